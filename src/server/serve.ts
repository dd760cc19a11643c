// Starts the HTTP server on a loopback address, with its state kept in a data directory (SQLite) or in memory.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { MemoryJournal, SqliteJournal, type Journal } from '../store/journal.js';
import { Accounts } from './accounts.js';
import { createApp, replay, type AppOptions } from './app.js';

export const DEFAULT_PORT = 4599;
export const DEFAULT_HOST = '127.0.0.1';

export interface ServeOptions extends Omit<AppOptions, 'journal' | 'accounts'> {
  port?: number;
  host?: string;
  /** where the SQLite journal and events.jsonl live; ignored with inMemory */
  dataDir?: string;
  inMemory?: boolean;
  /** sync every call to disk (survives power loss, slower); by default calls survive process crashes */
  durable?: boolean;
}
export type { Credential } from './sigv4.js';

export interface RunningServer {
  url: string;
  port: number;
  accounts: Accounts;
  journal: Journal;
  /** where the data lives, for people */
  dataLocation: string;
  /** calls replayed from the journal at start */
  replayed: number;
  close(): Promise<void>;
}

export function startServer(opts: ServeOptions = {}): Promise<RunningServer> {
  const inMemory = opts.inMemory ?? opts.dataDir === undefined;
  const journal: Journal = inMemory ? new MemoryJournal() : new SqliteJournal(opts.dataDir!, { durable: opts.durable });
  const accounts = new Accounts();
  const replayed = replay(accounts, journal);
  let eventLog: ((lines: string) => void) | undefined;
  let eventsFd: number | undefined;
  if (!inMemory) {
    // the CloudTrail-shaped event log, one JSON object a line, beside the journal
    mkdirSync(opts.dataDir!, { recursive: true });
    // one descriptor for the server's life: reopening the file for every event costs more than writing it
    eventsFd = openSync(join(opts.dataDir!, 'events.jsonl'), 'a');
    const fd = eventsFd;
    eventLog = (lines) => writeSync(fd, lines);
  }
  const { listener, flush } = createApp({ ...opts, accounts, journal, eventLog, flowLogDir: inMemory ? undefined : opts.dataDir });
  return new Promise((resolve, reject) => {
    let server: Server;
    try {
      server = createServer(listener);
      server.listen(opts.port ?? DEFAULT_PORT, opts.host ?? DEFAULT_HOST, () => {
        const info = server.address() as AddressInfo;
        resolve({
          url: `http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`,
          port: info.port,
          accounts,
          journal,
          dataLocation: journal.location,
          replayed,
          close: () =>
            new Promise<void>((res) =>
              server.close(() => {
                flush();
                journal.close();
                if (eventsFd !== undefined) closeSync(eventsFd);
                res();
              }),
            ),
        });
      });
      server.on('error', (e) => {
        journal.close();
        reject(e);
      });
    } catch (e) {
      reject(e);
    }
  });
}
