// A real server on a free loopback port, and SDK clients pointed at it.
import { EC2Client } from '@aws-sdk/client-ec2';
import { startServer, type RunningServer } from '../../src/server/serve.js';

export async function withServer(): Promise<{ server: RunningServer; ec2: (opts?: { region?: string; accessKeyId?: string }) => EC2Client }> {
  const server = await startServer({ port: 0 });
  const ec2 = (opts: { region?: string; accessKeyId?: string } = {}) =>
    new EC2Client({
      endpoint: server.url,
      region: opts.region ?? 'us-east-1',
      credentials: { accessKeyId: opts.accessKeyId ?? 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
  return { server, ec2 };
}
