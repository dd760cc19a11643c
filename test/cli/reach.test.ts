// `rampart reach …` end to end through main(): each question in words and as JSON, its exit status, and `diff`
// between scenario files, against a proposed change, and between two snapshots of a served estate.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { openConfiguration } from '../../src/cli/replay.js';
import { files, rampart } from './helpers.js';

const WEB_DB = join(import.meta.dirname, '../../examples/web-db.yaml');
const text = readFileSync(WEB_DB, 'utf8');

describe('rampart reach', () => {
  it('can: a port gives the verdict and the path (exit 0 / 1); --json has the same verdict', () => {
    const yes = rampart('reach', 'can', WEB_DB, 'web', 'db:5432/tcp');
    expect(yes.status).toBe(0);
    expect(yes.out.split('\n')[1]).toBe('  ✔ reachable');
    const no = rampart('reach', 'can', WEB_DB, 'web', 'db:22/tcp');
    expect(no.status).toBe(1);
    expect(no.out).toContain('✘ not reachable');
    const j = JSON.parse(rampart('reach', 'can', WEB_DB, 'internet', 'web:443/tcp', '--json').out) as { reachable: boolean };
    expect(j.reachable).toBe(true);
  });

  it('who can reach db: the web tier on 5432 only, grouped by groups @ subnet', () => {
    const r = rampart('reach', 'who', WEB_DB, 'db');
    expect(r.status).toBe(0);
    expect(r.out.split('\n').slice(1).join('\n')).toBe('  web @ public (1 interface: web)\n      tcp 5432\n');
    const j = JSON.parse(rampart('reach', 'who', WEB_DB, 'db', '--json').out) as { sources: { role: string; ports: { protocol: number; ports: string }[] }[] };
    expect(j.sources.map((x) => [x.role, x.ports])).toEqual([['web @ public', [{ protocol: 6, ports: '5432' }]]]);
  });

  it('what web can reach: db on 5432 and the whole internet', () => {
    const j = JSON.parse(rampart('reach', 'what', WEB_DB, 'web', '--json').out) as { destinations: { role: string; ports: { protocol: number | string; ports: string }[] }[] };
    const byRole = new Map(j.destinations.map((d) => [d.role, d.ports]));
    expect(byRole.get('db @ private')).toEqual([{ protocol: 6, ports: '5432' }]);
    expect(byRole.get('internet')).toContainEqual({ protocol: 6, ports: '0-65535' });
  });

  it('exposure: the web server, SSH only from the office, severity by who reaches what', () => {
    const r = rampart('reach', 'exposure', WEB_DB);
    expect(r.status).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('1 interface reachable from the internet:');
    expect(lines[2]).toBe('    low      tcp 80,443  from 0.0.0.0/0 except 203.0.113.0/24');
    expect(lines[3]).toBe('    medium   tcp 22,80,443  from 203.0.113.0/24');
    const j = JSON.parse(rampart('reach', 'exposure', WEB_DB, '--json').out) as { networkInterfaceId: string; severity: string; rows: unknown[] }[];
    expect(j).toHaveLength(1);
    expect(j[0]!.severity).toBe('medium');
  });

  it('matrix: all pairs by role', () => {
    const r = rampart('reach', 'matrix', WEB_DB);
    expect(r.out).toBe('db @ private → web @ public  (1→1)\n    tcp 80,443\nweb @ public → db @ private  (1→1)\n    tcp 5432\n');
    const j = JSON.parse(rampart('reach', 'matrix', WEB_DB, '--json').out) as { from: string; to: string }[];
    expect(j.map((c) => `${c.from} → ${c.to}`)).toEqual(['db @ private → web @ public', 'web @ public → db @ private']);
  });

  describe('diff', () => {
    const SSH = '- authorize: { group: db, direction: inbound, rule: { protocol: tcp, ports: 22, from: web } }\n';
    const after = text.replace('          - { protocol: tcp, ports: 5432, from: web, description: PostgreSQL from the web tier }', '          - { protocol: tcp, ports: 5432, from: web, description: PostgreSQL from the web tier }\n          - { protocol: tcp, ports: 22, from: web }');
    const f = files({ 'after.yaml': after, 'change.yaml': SSH, 'bad-change.yaml': '- authorize: { group: nosuch, direction: inbound, rule: { protocol: tcp, ports: 22, from: web } }\n' });
    const OPENS = /^\+ opens {2}web → db: tcp 22$/m;

    it('between two scenario files: what opens (exit 1); the same file twice: nothing (exit 0)', () => {
      const r = rampart('reach', 'diff', WEB_DB, f['after.yaml']!, '--no-color');
      expect(r.status).toBe(1);
      expect(r.out).toMatch(OPENS);
      const back = rampart('reach', 'diff', f['after.yaml']!, WEB_DB, '--no-color');
      expect(back.out).toMatch(/^- closes web → db: tcp 22$/m);
      expect(rampart('reach', 'diff', WEB_DB, WEB_DB)).toMatchObject({ status: 0, out: 'no change in reachability\n' });
    });

    it('against a proposed change (--change): the same answer as the changed file', () => {
      const r = rampart('reach', 'diff', WEB_DB, '--change', f['change.yaml']!, '--no-color');
      expect(r.status).toBe(1);
      expect(r.out).toBe(rampart('reach', 'diff', WEB_DB, f['after.yaml']!, '--no-color').out);
      const j = JSON.parse(rampart('reach', 'diff', WEB_DB, '--change', f['change.yaml']!, '--json').out) as { from: string; to: string; opened: { protocol: number; ports: string }[]; closed: unknown[] }[];
      expect(j).toEqual([{ from: 'web', to: 'db', opened: [{ protocol: 6, ports: '22' }], closed: [] }]);
    });

    it('bad input: exit 2 with the reason', () => {
      expect(rampart('reach', 'diff', WEB_DB)).toMatchObject({ status: 2, err: 'rampart: give AFTER, or --change FILE to compare BEFORE with a proposed change\n' });
      expect(rampart('reach', 'diff', WEB_DB, '--change', '/nonexistent.yaml').err).toBe("rampart: cannot read change file '/nonexistent.yaml'\n");
      const bad = rampart('reach', 'diff', WEB_DB, '--change', f['bad-change.yaml']!);
      expect(bad.status).toBe(2);
      expect(bad.err).toMatch(/no security group named 'nosuch'/);
      const notData = mkdtempSync(join(tmpdir(), 'rampart-notdata-'));
      expect(rampart('reach', 'diff', notData, WEB_DB)).toMatchObject({ status: 2, err: `rampart: no rampart data in '${notData}' (start rampart serve --data-dir ${notData}, or pass --data-dir)\n` });
      expect(readdirSync(notData)).toEqual([]);
    });
  });

  it('replay\'s --data-dir refuses a folder without rampart data, and leaves it empty (it used to make a journal there)', async () => {
    const notData = mkdtempSync(join(tmpdir(), 'rampart-notdata-'));
    await expect(openConfiguration({ dataDir: notData })).rejects.toThrow(`no rampart data in '${notData}'`);
    expect(readdirSync(notData)).toEqual([]);
  });

  describe('diff between two snapshots of a served estate', () => {
    let server: RunningServer;
    const dataDir = mkdtempSync(join(tmpdir(), 'rampart-reach-snap-'));
    const times: string[] = [];
    const pause = () => new Promise((r) => setTimeout(r, 20));

    beforeAll(async () => {
      server = await startServer({ port: 0, dataDir });
      const ec2 = new EC2Client({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: '123456789012', secretAccessKey: 's' }, maxAttempts: 1 });
      const app = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'app', Description: 'app' }))).GroupId!;
      const db = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'db', Description: 'db' }))).GroupId!;
      for (const [g, name] of [[app, 'app'], [db, 'db']] as const) {
        await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SecurityGroupIds: [g], TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: name }] }] }));
      }
      await pause();
      times.push(new Date().toISOString());
      await pause();
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: db, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: app }] }] }));
      await pause();
      times.push(new Date().toISOString());
    });
    afterAll(async () => server.close());

    it('DIR@T1 against DIR@T2 (and DIR, now): the rule authorized in between opens app → db on 5432', () => {
      const r = rampart('reach', 'diff', `${dataDir}@${times[0]}`, `${dataDir}@${times[1]}`, '--json');
      expect(r.status).toBe(1);
      const d = JSON.parse(r.out) as { from: string; to: string; opened: { protocol: number; ports: string }[]; closed: unknown[] }[];
      expect(d).toHaveLength(1);
      expect(d[0]!.opened).toEqual([{ protocol: 6, ports: '5432' }]);
      // interfaces go by their instances' Name tags
      expect([d[0]!.from, d[0]!.to]).toEqual(['app', 'db']);
      expect(rampart('reach', 'diff', `${dataDir}@${times[1]}`, dataDir).status).toBe(0);
      // the earlier snapshot with the change proposed by group name: the same as what was done
      const f = files({ 'c.yaml': '- authorize: { group: db, direction: inbound, rule: { protocol: tcp, ports: 5432, from: app } }\n' });
      const proposed = rampart('reach', 'diff', `${dataDir}@${times[0]}`, '--change', f['c.yaml']!, '--json');
      expect(proposed.err).toBe('');
      expect(JSON.parse(proposed.out)).toEqual(d);
      expect(rampart('reach', 'diff', `${dataDir}@yesterday`, dataDir)).toMatchObject({ status: 2, err: "rampart: 'yesterday' is not a time: give ISO 8601 (2026-12-01T10:00:00Z), now, or a duration ago (30m, 2h, 7d, 1w)\n" });
      // another account of the same directory has only its default resources, then and now
      expect(rampart('reach', 'diff', `${dataDir}@${times[0]}`, dataDir, '--account', '999999999999').status).toBe(0);
    });
  });
});
