// Runs the `rampart` command in-process and captures what it writes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

export interface RunResult {
  status: number;
  out: string;
  err: string;
}

/** `rampart ARGS…` through main(), with process.stdout/stderr captured. */
export function rampart(...args: string[]): RunResult {
  let out = '';
  let err = '';
  const capture = (sink: (s: string) => void) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const cb = rest.find((x) => typeof x === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }) as typeof process.stdout.write;
  const o = vi.spyOn(process.stdout, 'write').mockImplementation(capture((s) => (out += s)));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(capture((s) => (err += s)));
  try {
    const status = main([process.execPath, 'rampart', ...args]);
    return { status, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** A fresh temporary directory with the given files; returns their paths by name. */
export function files(contents: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-cli-'));
  const paths: Record<string, string> = {};
  for (const [name, text] of Object.entries(contents)) {
    paths[name] = join(dir, name);
    writeFileSync(paths[name], text);
  }
  return paths;
}
