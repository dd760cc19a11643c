// The serve benchmark's mixed workload: create a group, authorize two rules, describe it with a filter, create a
// network interface with it. Sent as plain EC2 Query requests over HTTP/1.1 (what the SDKs send, without their
// per-call cost) by a minimal client on a raw socket: on a 2-core machine node's http client cost as much CPU per
// call as rampart's server, so the clients, not the server, limited what was measured. The same client for
// rampart and moto: keep-alive where the server keeps the connection (rampart), a new connection per call where
// it answers `Connection: close` (moto's werkzeug).
import net from 'node:net';

class ServerError extends Error {}

/** One connection at a time, one request at a time; responses with a Content-Length only (both servers send one). */
class RawHttpClient {
  private socket: net.Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: { status: number; body: string }) => void; reject: (e: Error) => void } | undefined;
  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  post(headers: string, body: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.buffer = Buffer.alloc(0);
      const socket = this.socket ?? this.connect();
      socket.write(`POST / HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connect(): net.Socket {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    const fail = (e: Error) => {
      if (this.socket === socket) this.socket = undefined;
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(e);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed before the response')));
    return socket;
  }

  private onData(socket: net.Socket, chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const headEnd = this.buffer.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = this.buffer.toString('latin1', 0, headEnd);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) {
      this.waiting?.reject(new Error(`response without a Content-Length: ${head.slice(0, 200)}`));
      this.waiting = undefined;
      return;
    }
    const end = headEnd + 4 + Number(length[1]);
    if (this.buffer.length < end) return;
    const w = this.waiting;
    this.waiting = undefined;
    if (/\r\nconnection:\s*close/i.test(head)) {
      socket.removeAllListeners('close');
      socket.destroy();
      if (this.socket === socket) this.socket = undefined;
    }
    w?.resolve({ status: Number(head.slice(9, 12)), body: this.buffer.toString('utf8', headEnd + 4, end) });
  }
}

export async function workload(url: string, iterations: number, tag: string): Promise<{ seconds: number; calls: number; latencies: number[]; retries: number }> {
  const u = new URL(url);
  const client = new RawHttpClient(u.hostname, Number(u.port));
  const headers =
    'Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n' +
    `Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}\r\n` +
    'X-Amz-Date: 20260101T000000Z\r\n';
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
  const callOnce = async (params: Record<string, string>): Promise<string> => {
    const r = await client.post(headers, new URLSearchParams({ Version: '2016-11-15', ...params }).toString());
    if (r.status === 200) return r.body;
    throw new (r.status >= 500 ? ServerError : Error)(`${params.Action}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
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
  client.close();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, calls: latencies.length, latencies, retries };
}
