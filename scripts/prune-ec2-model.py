#!/usr/bin/env python3
"""Prune botocore's EC2 service model to the operations rampart serves.

Reads data/ec2/2016-11-15/service-2.json (or .json.gz in newer botocore) from the
pip-installed botocore, keeps the operations below and every shape they reach,
drops documentation, and writes src/ec2/model/ec2-model.json plus LICENSE and NOTICE.

Usage: python3 scripts/prune-ec2-model.py [--out DIR]
"""
import argparse
import gzip
import json
import os
import sys

import botocore

# The "Actions" section of shared/spec/ec2-api.md (STS GetCallerIdentity is not EC2).
OPERATIONS = [
    # Security groups
    "CreateSecurityGroup", "DeleteSecurityGroup", "DescribeSecurityGroups",
    "DescribeSecurityGroupRules", "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress", "ModifySecurityGroupRules",
    "UpdateSecurityGroupRuleDescriptionsIngress",
    "UpdateSecurityGroupRuleDescriptionsEgress",
    "DescribeSecurityGroupReferences", "DescribeStaleSecurityGroups",
    "GetSecurityGroupsForVpc",
    # Network ACLs
    "CreateNetworkAcl", "DeleteNetworkAcl", "CreateNetworkAclEntry",
    "ReplaceNetworkAclEntry", "DeleteNetworkAclEntry", "DescribeNetworkAcls",
    "ReplaceNetworkAclAssociation",
    # Network
    "CreateVpc", "DeleteVpc", "DescribeVpcs", "AssociateVpcCidrBlock",
    "CreateDefaultVpc", "CreateSubnet", "DeleteSubnet", "DescribeSubnets",
    "ModifySubnetAttribute", "CreateNetworkInterface", "DeleteNetworkInterface",
    "DescribeNetworkInterfaces", "AttachNetworkInterface",
    "DetachNetworkInterface", "ModifyNetworkInterfaceAttribute",
    "AssignPrivateIpAddresses", "RunInstances", "DescribeInstances",
    "TerminateInstances", "ModifyInstanceAttribute", "DescribeInstanceAttribute",
    "CreateVpcPeeringConnection", "AcceptVpcPeeringConnection",
    "RejectVpcPeeringConnection", "DeleteVpcPeeringConnection",
    "DescribeVpcPeeringConnections",
    "CreateRouteTable", "DeleteRouteTable", "DescribeRouteTables",
    "AssociateRouteTable", "DisassociateRouteTable",
    "ReplaceRouteTableAssociation", "CreateRoute", "ReplaceRoute", "DeleteRoute",
    "CreateInternetGateway", "AttachInternetGateway", "DetachInternetGateway",
    "DeleteInternetGateway", "DescribeInternetGateways",
    "AllocateAddress", "AssociateAddress",
    "CreateManagedPrefixList", "DescribeManagedPrefixLists",
    "ModifyManagedPrefixList", "DeleteManagedPrefixList",
    "GetManagedPrefixListEntries",
    "CreateTags", "DeleteTags", "DescribeTags",
    "CreateFlowLogs", "DescribeFlowLogs", "DeleteFlowLogs",
    "DescribeAvailabilityZones", "DescribeRegions", "DescribeAccountAttributes",
    # Reachability Analyzer
    "CreateNetworkInsightsPath", "DescribeNetworkInsightsPaths",
    "DeleteNetworkInsightsPath", "StartNetworkInsightsAnalysis",
    "DescribeNetworkInsightsAnalyses", "DeleteNetworkInsightsAnalysis",
]

DROP = {"documentation", "documentationUrl", "deprecatedMessage", "deprecatedSince"}
METADATA_KEEP = ("apiVersion", "protocol", "serviceId", "signatureVersion", "uid", "xmlNamespace")


def strip(value):
    """Recursively remove documentation-only keys."""
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in DROP}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def load_model():
    base = os.path.join(os.path.dirname(botocore.__file__), "data", "ec2", "2016-11-15")
    plain = os.path.join(base, "service-2.json")
    if os.path.exists(plain):
        with open(plain, encoding="utf-8") as f:
            return json.load(f)
    with gzip.open(plain + ".gz", "rt", encoding="utf-8") as f:
        return json.load(f)


def referenced(shape):
    """Names of the shapes a shape refers to directly."""
    if shape["type"] == "structure":
        return [m["shape"] for m in shape.get("members", {}).values()]
    if shape["type"] == "list":
        return [shape["member"]["shape"]]
    if shape["type"] == "map":
        return [shape["key"]["shape"], shape["value"]["shape"]]
    return []


def prune(model):
    missing = [op for op in OPERATIONS if op not in model["operations"]]
    if missing:
        sys.exit(f"operations not in botocore's EC2 model: {', '.join(missing)}")
    operations = {op: strip(model["operations"][op]) for op in sorted(OPERATIONS)}
    keep, todo = set(), []
    for op in operations.values():
        todo += [op[k]["shape"] for k in ("input", "output") if k in op]
    while todo:
        name = todo.pop()
        if name not in keep:
            keep.add(name)
            todo += referenced(model["shapes"][name])
    shapes = {name: strip(model["shapes"][name]) for name in sorted(keep)}
    metadata = {k: model["metadata"][k] for k in METADATA_KEEP if k in model["metadata"]}
    return {"version": model.get("version", "2.0"), "metadata": metadata,
            "operations": operations, "shapes": shapes}


def dump(pruned):
    """One operation or shape per line: diffs stay readable, the file stays small."""
    def line(v):
        return json.dumps(v, separators=(",", ":"), ensure_ascii=False)

    def block(d):
        return "{\n" + ",\n".join(f"    {line(k)}:{line(v)}" for k, v in d.items()) + "\n  }"

    return (
        "{\n"
        f'  "version":{line(pruned["version"])},\n'
        f'  "metadata":{line(pruned["metadata"])},\n'
        f'  "operations":{block(pruned["operations"])},\n'
        f'  "shapes":{block(pruned["shapes"])}\n'
        "}\n"
    )


def dist_info_file(*names):
    """First of names found in botocore's dist-info folder, or None."""
    site = os.path.dirname(os.path.dirname(botocore.__file__))
    for entry in sorted(os.listdir(site)):
        if entry.startswith("botocore-") and entry.endswith(".dist-info"):
            for sub in ("", "licenses"):
                for name in names:
                    path = os.path.join(site, entry, sub, name)
                    if os.path.isfile(path):
                        return path
    return None


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(root, "src", "ec2", "model"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    pruned = prune(load_model())
    with open(os.path.join(args.out, "ec2-model.json"), "w", encoding="utf-8") as f:
        f.write(dump(pruned))

    license_path = dist_info_file("LICENSE.txt", "LICENSE")
    if license_path is None:
        sys.exit("botocore's LICENSE not found in its dist-info; copy any Apache-2.0 LICENSE by hand")
    with open(license_path, encoding="utf-8") as src, \
            open(os.path.join(args.out, "LICENSE"), "w", encoding="utf-8") as dst:
        dst.write(src.read())

    notice_path = dist_info_file("NOTICE", "NOTICE.txt")
    notice = ""
    if notice_path:
        with open(notice_path, encoding="utf-8") as f:
            notice = f.read().rstrip("\n") + "\n\n----\n\n"
    notice += (f"ec2-model.json is derived from botocore {botocore.__version__}'s "
               "data/ec2/2016-11-15/service-2.json (Apache-2.0).\n"
               "Modified by rampart: pruned to the operations rampart serves; documentation removed.\n")
    with open(os.path.join(args.out, "NOTICE"), "w", encoding="utf-8") as f:
        f.write(notice)

    print(f"{len(pruned['operations'])} operations, {len(pruned['shapes'])} shapes "
          f"from botocore {botocore.__version__} -> {args.out}")


if __name__ == "__main__":
    main()
