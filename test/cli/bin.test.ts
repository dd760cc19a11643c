// The built binary, end to end: `rampart demo` as installed (package.json "bin": dist/src/cli/bin.js).
// CI's install step builds dist/ (the prepare script); when it is missing here it is built first.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = resolve(root, 'dist/src/cli/bin.js');

describe('the built rampart binary', () => {
  beforeAll(() => {
    if (existsSync(bin)) return;
    const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' });
    expect(existsSync(bin), `build failed:\n${build.stdout}\n${build.stderr}`).toBe(true);
  }, 120_000);

  it('`node dist/src/cli/bin.js demo --no-color` prints the six probes and the timeline, exit 0', () => {
    const r = spawnSync(process.execPath, [bin, 'demo', '--no-color'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('rampart demo — the web server and database of the tutorial, decided packet by packet');
    expect(lines.filter((l) => l.startsWith('# '))).toHaveLength(6);
    expect(lines.filter((l) => l === '  ✔ reachable' || l === '  ✘ not reachable')).toEqual([
      '  ✔ reachable', '  ✔ reachable', '  ✘ not reachable', '  ✔ reachable', '  ✘ not reachable', '  ✘ not reachable',
    ]);
    expect(r.stdout).toContain('Stateful security groups, stateless network ACLs — a timeline:');
    expect(lines.filter((l) => /^ {12}[✔✘]/.test(l)).map((l) => l.trim()[0]).join('')).toBe('✔✔✔✔✔✔✘✔✔✔✘✔✔✔');
    expect(r.stdout).not.toContain('\x1b[');
  }, 60_000);

  it('exits 1 for an unreachable probe and 2 for bad input', () => {
    const example = resolve(root, 'examples/web-db.yaml');
    expect(spawnSync(process.execPath, [bin, 'probe', example, '--from', 'web', '--to', 'db:22/tcp', '--no-color'], { cwd: root, encoding: 'utf8' }).status).toBe(1);
    const bad = spawnSync(process.execPath, [bin, 'probe', example, '--from', 'nosuch', '--to', 'db:22/tcp'], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("no instance, interface or resource named 'nosuch'");
  }, 60_000);

  it('output piped into a command that stops reading early (head) ends quietly with status 0', () => {
    // Fix: writing after the reader closed the pipe raised an unhandled EPIPE error and a stack trace
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${bin}" generate --enis 3000 --seed 4 | head -c 100 >/dev/null`], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 60_000);
});
