"""botocore as the reference client for the EC2 wire tests.

stdin: {"responses": [{"operation", "status", "body"}], "requests": [{"operation", "params"}]}
stdout: {"responses": [parsed dict], "requests": [serialized parameter dict]}
Responses are parsed by botocore's EC2QueryParser with the operation's output shape; requests are
serialized by botocore's EC2Serializer. Timestamps come back as ISO 8601 with milliseconds and Z, blobs as
{"$blob": base64} (both ways).
"""
import base64
import datetime
import json
import sys

import botocore.parsers
import botocore.serialize
import botocore.session


def to_json(value):
    if isinstance(value, datetime.datetime):
        utc = value.astimezone(datetime.timezone.utc)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if isinstance(value, bytes):
        return {"$blob": base64.b64encode(value).decode()}
    raise TypeError(repr(value))


def from_json(value):
    if isinstance(value, dict):
        if list(value) == ["$blob"]:
            return base64.b64decode(value["$blob"])
        return {k: from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_json(v) for v in value]
    return value


def main():
    job = json.load(sys.stdin)
    model = botocore.session.get_session().get_service_model("ec2")
    parser = botocore.parsers.create_parser("ec2")
    serializer = botocore.serialize.create_serializer("ec2", include_validation=False)
    responses = []
    for r in job.get("responses", []):
        op = model.operation_model(r["operation"])
        parsed = parser.parse(
            {"status_code": r["status"], "headers": {}, "body": r["body"].encode("utf-8")},
            op.output_shape,
        )
        meta = parsed.pop("ResponseMetadata", {})
        parsed["$requestId"] = meta.get("RequestId")
        responses.append(parsed)
    requests = []
    for r in job.get("requests", []):
        op = model.operation_model(r["operation"])
        body = serializer.serialize_to_request(from_json(r["params"]), op)["body"]
        requests.append({k: str(v) for k, v in body.items()})
    json.dump({"responses": responses, "requests": requests}, sys.stdout, default=to_json)


if __name__ == "__main__":
    main()
