// The serve benchmark's mixed workload: create a group, authorize two rules, describe it with a filter, create a
// network interface with it. Sent as plain EC2 Query requests over keep-alive HTTP (what the SDKs send, without
// their per-call cost), so that the server, not the client, limits throughput; the same for rampart and moto.
import http from 'node:http';

class ServerError extends Error {}

export async function workload(url: string, iterations: number, tag: string): Promise<{ seconds: number; calls: number; latencies: number[]; retries: number }> {
  const u = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const auth = 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=' + '0'.repeat(64);
  // moto's threaded server sometimes fails a call under concurrent load (500): such a call is sent again, up to
  // 3 times, and counted; a 4xx is the workload's own error and ends the run
  let retries = 0;
  const call = async (params: Record<string, string>): Promise<string> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await callOnce(params);
      } catch (e) {
        if (!(e instanceof ServerError) || attempt >= 3) throw e;
        retries++;
      }
    }
  };
  const callOnce = (params: Record<string, string>): Promise<string> => {
    const body = new URLSearchParams({ Version: '2016-11-15', ...params }).toString();
    return new Promise((res, rej) => {
      const req = http.request(
        { host: u.hostname, port: u.port, method: 'POST', path: '/', agent, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'content-length': Buffer.byteLength(body), authorization: auth, 'x-amz-date': '20260101T000000Z' } },
        (resp) => {
          let d = '';
          resp.setEncoding('utf8');
          resp.on('data', (c: string) => (d += c));
          resp.on('end', () => {
            if (resp.statusCode === 200) res(d);
            else rej(new ((resp.statusCode ?? 500) >= 500 ? ServerError : Error)(`${params.Action}: HTTP ${resp.statusCode} ${d.slice(0, 200)}`));
          });
        },
      );
      req.on('error', rej);
      req.end(body);
    });
  };
  const first = (xml: string, tagName: string) => new RegExp(`<${tagName}>([^<]*)</${tagName}>`).exec(xml)?.[1] ?? '';
  const subnets = await call({ Action: 'DescribeSubnets', 'Filter.1.Name': 'default-for-az', 'Filter.1.Value.1': 'true' });
  const subnetId = first(subnets, 'subnetId');
  const latencies: number[] = [];
  const timed = async (params: Record<string, string>): Promise<string> => {
    const t = process.hrtime.bigint();
    const r = await call(params);
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    return r;
  };
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const groupId = first(await timed({ Action: 'CreateSecurityGroup', GroupName: `${tag}-${i}`, GroupDescription: 'bench' }), 'groupId');
    await timed({
      Action: 'AuthorizeSecurityGroupIngress', GroupId: groupId,
      'IpPermissions.1.IpProtocol': 'tcp', 'IpPermissions.1.FromPort': '443', 'IpPermissions.1.ToPort': '443', 'IpPermissions.1.IpRanges.1.CidrIp': '0.0.0.0/0',
      'IpPermissions.2.IpProtocol': 'tcp', 'IpPermissions.2.FromPort': '5432', 'IpPermissions.2.ToPort': '5432', 'IpPermissions.2.Groups.1.GroupId': groupId,
    });
    await timed({ Action: 'DescribeSecurityGroups', 'Filter.1.Name': 'group-name', 'Filter.1.Value.1': `${tag}-${i}` });
    await timed({ Action: 'CreateNetworkInterface', SubnetId: subnetId, 'SecurityGroupId.1': groupId });
  }
  agent.destroy();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, calls: latencies.length, latencies, retries };
}
