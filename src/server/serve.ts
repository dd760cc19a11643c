// Starts the HTTP server on a loopback address.
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp, type AppOptions } from './app.js';
import type { Accounts } from './accounts.js';

export interface RunningServer {
  url: string;
  port: number;
  accounts: Accounts;
  close(): Promise<void>;
}

export function startServer(opts: AppOptions & { port?: number; host?: string } = {}): Promise<RunningServer> {
  const { app, accounts } = createApp(opts);
  return new Promise((resolve, reject) => {
    let server: ServerType;
    try {
      server = serve({ fetch: app.fetch, port: opts.port ?? 4599, hostname: opts.host ?? '127.0.0.1' }, (info: AddressInfo) => {
        resolve({
          url: `http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`,
          port: info.port,
          accounts,
          close: () => new Promise<void>((res) => server.close(() => res())),
        });
      });
      server.on('error', reject);
    } catch (e) {
      reject(e);
    }
  });
}
