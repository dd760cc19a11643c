// README "Commands": probe, simulate, demo, validate, their options, output and exit statuses
// (0 reachable / success, 1 not reachable, 2 bad input), run in-process through main(argv).
import { describe, expect, it } from 'vitest';
import { lineOf, WEB_DB_PATH, WEB_DB_TIMELINE_PATH } from '../scenario/helpers.js';
import { files, rampart } from './helpers.js';

/** web-db with a private-subnet NACL that lets responses go back only to Windows client ports. */
const windowsOnly = `vpcs:
  prod:
    cidr: 10.0.0.0/16
    subnets:
      public:  { cidr: 10.0.1.0/24 }
      private: { cidr: 10.0.2.0/24, networkAcl: private }
    networkAcls:
      private:
        inbound:
          - { rule: 100, protocol: tcp, ports: 5432, cidr: 10.0.1.0/24, action: allow }
        outbound:
          - { rule: 100, protocol: tcp, ports: 49152-65535, cidr: 10.0.1.0/24, action: allow }
    securityGroups:
      web: {}
      db:
        inbound:
          - { protocol: tcp, ports: 5432, from: web }
instances:
  web: { subnet: public, groups: [web], privateIp: 10.0.1.10 }
  db:  { subnet: private, groups: [db], privateIp: 10.0.2.20 }
`;

const ipv6Scenario = `vpcs:
  prod:
    cidr: 10.0.0.0/16
    ipv6: true
    internetGateway: true
    subnets:
      public: { cidr: 10.0.1.0/24, public: true, routeTable: public, ipv6Cidr: auto }
    routeTables:
      public:
        routes:
          - { destination: 0.0.0.0/0, target: igw }
          - { destination: "::/0", target: igw }
    securityGroups:
      web:
        inbound:
          - { protocol: tcp, ports: 443, from: "::/0" }
instances:
  web: { subnet: public, groups: [web], ipv6: true }
`;

const badScenario = `vpcs:
  prod:
    cidr: 10.0.0.0/16
    securityGroups:
      web:
        inbound:
          - { protocol: tcp, ports: 22, from: 10.0.0.1 }
`;

const f = files({ 'windows-only.yaml': windowsOnly, 'v6.yaml': ipv6Scenario, 'bad.yaml': badScenario, 'bad.timeline.yaml': '- note: ok\n- sned: {}\n' });

describe('rampart probe', () => {
  it('exit 0 and "✔ reachable" when the internet reaches the web server on 443', () => {
    const r = rampart('probe', WEB_DB_PATH, '--from', 'internet', '--to', 'web:443/tcp', '--no-color');
    expect(r.status).toBe(0);
    expect(r.err).toBe('');
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('internet → web  TCP 198.51.100.10:32768 → 3.80.0.16:443 [SYN]');
    expect(lines[1]).toBe('  ✔ reachable');
    expect(r.out).toContain('  request:\n');
    expect(r.out).toContain('  response (to client ports 32768-61000):\n');
    expect(r.out).toMatch(/allowed by prod\/web \(sg-[0-9a-f]+\): tcp 443 from 0\.0\.0\.0\/0 "HTTPS from anywhere" \[sgr-[0-9a-f]+\]/);
    expect(r.out).not.toContain('\x1b[');
  });

  it('exit 0 web → db:5432/tcp, naming the group-reference rule and the route', () => {
    const r = rampart('probe', WEB_DB_PATH, '--from', 'web', '--to', 'db:5432/tcp', '--no-color');
    expect(r.status).toBe(0);
    expect(r.out.split('\n')[0]).toBe('web → db  TCP 10.0.1.10:32768 → 10.0.2.20:5432 [SYN]');
    expect(r.out).toMatch(/tcp 5432 from prod\/web \(sg-[0-9a-f]+\) "PostgreSQL from the web tier"/);
    expect(r.out).toMatch(/route table prod\/public \(rtb-[0-9a-f]+\): route 10\.0\.0\.0\/16 → local/);
  });

  it('exit 1 and "✘ not reachable" with the blocker under why: when SSH on the database is refused', () => {
    const r = rampart('probe', WEB_DB_PATH, '--from', 'web', '--to', 'db:22/tcp', '--no-color');
    expect(r.status).toBe(1);
    expect(r.out.split('\n')[1]).toBe('  ✘ not reachable');
    expect(r.out).toContain('  why:\n');
    expect(r.out).toMatch(/ENI_SG_RULES_MISMATCH \(request, ingress\) db \(eni-[0-9a-f]+\): no inbound rule of sg-[0-9a-f]+ on eni-[0-9a-f]+ allows TCP port 22 10\.0\.1\.10 → 10\.0\.2\.20/);
  });

  it('exit 1 for a database with no public address, from the internet', () => {
    const r = rampart('probe', WEB_DB_PATH, '--from', 'internet', '--to', 'db:5432/tcp', '--no-color');
    expect(r.status).toBe(1);
    expect(r.out).toContain('IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS');
  });

  it('an address on the internet as the source: the office reaches SSH (exit 0), elsewhere does not (exit 1)', () => {
    expect(rampart('probe', WEB_DB_PATH, '--from', '203.0.113.7', '--to', 'web:22/tcp', '--no-color').status).toBe(0);
    expect(rampart('probe', WEB_DB_PATH, '--from', '192.0.2.1', '--to', 'web:22/tcp', '--no-color').status).toBe(1);
  });

  it('exit 2 for an unknown name, with the known names on stderr', () => {
    const r = rampart('probe', WEB_DB_PATH, '--from', 'nosuch', '--to', 'db:5432/tcp');
    expect(r.status).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe("rampart: no instance, interface or resource named 'nosuch' (known: web, db)\n");
  });

  it('exit 2 when a TCP destination has no port', () => {
    const r = rampart('probe', WEB_DB_PATH, '--from', 'web', '--to', 'db');
    expect(r.status).toBe(2);
    expect(r.err).toBe('rampart: --to db: say which port, e.g. db:443/tcp\n');
  });

  it('exit 2 for a bad port, an unknown protocol, or a bad --ephemeral', () => {
    expect(rampart('probe', WEB_DB_PATH, '--from', 'web', '--to', 'db:70000').err).toContain('port 70000 out of range');
    expect(rampart('probe', WEB_DB_PATH, '--from', 'web', '--to', 'db:70000').status).toBe(2);
    expect(rampart('probe', WEB_DB_PATH, '--from', 'web', '--to', 'db:5432/tpc').status).toBe(2);
    const e = rampart('probe', WEB_DB_PATH, '--from', 'web', '--to', 'db:5432', '--ephemeral', 'bsd');
    expect(e.status).toBe(2);
    expect(e.err).toContain("--ephemeral: expected linux, windows, windows2003, aws, PORT or LO-HI, not 'bsd'");
  });

  it('exit 2 for an unreadable scenario file', () => {
    const r = rampart('probe', '/nonexistent/nope.yaml', '--from', 'web', '--to', 'db:5432');
    expect(r.status).toBe(2);
    expect(r.err).toBe("rampart: cannot read scenario file '/nonexistent/nope.yaml'\n");
  });

  it('exit 2 for a bad scenario, with file:line and the AWS error code', () => {
    const r = rampart('probe', f['bad.yaml'], '--from', 'web', '--to', 'db:5432');
    expect(r.status).toBe(2);
    expect(r.err).toBe(`rampart: ${f['bad.yaml']}:${lineOf(badScenario, '10.0.0.1')}: InvalidParameterValue: CIDR block 10.0.0.1 is malformed\n`);
  });

  it('exit 2 when a required option is missing', () => {
    const r = rampart('probe', WEB_DB_PATH, '--to', 'db:5432');
    expect(r.status).toBe(2);
    expect(r.err).toContain("required option '--from <endpoint>' not specified");
  });

  it('--json prints data that parses, with reachable, explanations, forward.hops, response, returnPorts', () => {
    const r = rampart('probe', WEB_DB_PATH, '--from', 'web', '--to', 'db:5432/tcp', '--json');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.reachable).toBe(true);
    expect(j.explanations).toEqual([]);
    expect(Array.isArray(j.forward.hops)).toBe(true);
    expect(j.forward.hops.length).toBeGreaterThan(0);
    expect(j.forward.hops.map((h: { kind: string }) => h.kind)).toEqual(expect.arrayContaining(['security-groups', 'route', 'delivered']));
    expect(j.response.hops.length).toBeGreaterThan(0);
    expect(j.returnPorts).toBe('32768-61000');
    expect(j.ephemeral).toEqual({ lo: 32768, hi: 61000 });
    expect(j.request).toMatchObject({ family: 4, protocol: 6, dstPort: 5432 });
    expect([j.from, j.to]).toEqual(['web', 'db']);
  });

  it('--json when not reachable: exit 1 and the explanations with their codes and paths', () => {
    const r = rampart('probe', WEB_DB_PATH, '--from', 'web', '--to', 'db:22/tcp', '--json');
    expect(r.status).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.reachable).toBe(false);
    expect(j.explanations).toEqual([expect.objectContaining({ code: 'ENI_SG_RULES_MISMATCH', path: 'request', direction: 'ingress' })]);
  });

  it('--ephemeral windows changes the reported client port range (and the request\'s source port)', () => {
    const linux = rampart('probe', WEB_DB_PATH, '--from', 'web', '--to', 'db:5432/tcp', '--no-color');
    const windows = rampart('probe', WEB_DB_PATH, '--from', 'web', '--to', 'db:5432/tcp', '--ephemeral', 'windows', '--no-color');
    expect(linux.out).toContain('response (to client ports 32768-61000):');
    expect(windows.status).toBe(0);
    expect(windows.out).toContain('response (to client ports 49152-65535):');
    expect(windows.out.split('\n')[0]).toBe('web → db  TCP 10.0.1.10:49152 → 10.0.2.20:5432 [SYN]');
    const j = JSON.parse(rampart('probe', WEB_DB_PATH, '--from', 'web', '--to', 'db:5432/tcp', '--ephemeral', '1025-5000', '--json').out);
    expect(j.ephemeral).toEqual({ lo: 1025, hi: 5000 });
    expect(j.returnPorts).toBe('1025-5000');
  });

  it('--ephemeral decides the verdict when a NACL returns responses only to some client ports', () => {
    const linux = rampart('probe', f['windows-only.yaml'], '--from', 'web', '--to', 'db:5432/tcp', '--no-color');
    expect(linux.status).toBe(1);
    expect(linux.out).toContain('SUBNET_ACL_RESTRICTION');
    expect(linux.out).toContain('network ACLs let the response return only to client ports 49152-61000; ports 32768-49151 of the ephemeral range 32768-61000 are denied');
    const windows = rampart('probe', f['windows-only.yaml'], '--from', 'web', '--to', 'db:5432/tcp', '--ephemeral', 'windows', '--no-color');
    expect(windows.status).toBe(0);
    expect(windows.out).toContain('  ✔ reachable');
  });

  it('--ipv6 on an IPv6 scenario uses the IPv6 addresses (reachable only over IPv6 here)', () => {
    const v6 = rampart('probe', f['v6.yaml'], '--from', 'internet', '--to', 'web:443/tcp', '--ipv6', '--no-color');
    expect(v6.status).toBe(0);
    expect(v6.out.split('\n')[0]).toMatch(/^internet → web {2}TCP \[2001:db8:ffff::10\]:32768 → \[2600:1f18:[0-9a-f:]+\]:443 \[SYN\]$/);
    expect(v6.out).toContain('(all ::/0)');
    const v4 = rampart('probe', f['v6.yaml'], '--from', 'internet', '--to', 'web:443/tcp', '--no-color');
    expect(v4.status).toBe(1);
    expect(v4.out.split('\n')[0]).toMatch(/TCP 198\.51\.100\.10:32768 → 3\.80\.\d+\.\d+:443 \[SYN\]$/);
  });
});

describe('rampart simulate', () => {
  it('plays the example timeline: description first, then each event; exit 0', () => {
    const r = rampart('simulate', WEB_DB_PATH, WEB_DB_TIMELINE_PATH, '--no-color');
    expect(r.status).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('Web server and database (security groups by reference, default network ACLs)');
    expect(r.out).toContain('t=     0s  internet 198.51.100.10 → web  TCP 198.51.100.10:40000 → 3.80.0.16:443 [SYN]\n');
    expect(r.out).toMatch(/ {12}✔ delivered to web \(eni-[0-9a-f]+\) {2}\[untracked\]\n/);
    expect(r.out).toContain('t=     0s  change  revoke inbound tcp 443 from 0.0.0.0/0 on web\n');
    expect(r.out).toMatch(/t= {5}5s {2}internet 198\.51\.100\.10 → web {2}TCP 198\.51\.100\.10:40000 → 3\.80\.0\.16:443 \[ACK\]\n {12}✘ dropped: ENI_SG_RULES_MISMATCH — no inbound rule of sg-[0-9a-f]+ on eni-[0-9a-f]+ allows TCP port 443/);
  });

  it('-v prints every hop of every packet', () => {
    const plain = rampart('simulate', WEB_DB_PATH, WEB_DB_TIMELINE_PATH, '--no-color');
    const verbose = rampart('simulate', WEB_DB_PATH, WEB_DB_TIMELINE_PATH, '--no-color', '-v');
    expect(verbose.status).toBe(0);
    expect(verbose.out.split('\n').length).toBeGreaterThan(plain.out.split('\n').length + 14);
    expect(verbose.out).toContain('security groups in at web');
  });

  it('--json prints every event as data', () => {
    const r = rampart('simulate', WEB_DB_PATH, WEB_DB_TIMELINE_PATH, '--json');
    expect(r.status).toBe(0);
    const events = JSON.parse(r.out) as { kind?: string; allowed?: boolean; t: number }[];
    expect(events).toHaveLength(24);
    expect(events.filter((e) => e.kind === 'note')).toHaveLength(6);
    expect(events.filter((e) => e.kind === 'change')).toHaveLength(4);
    expect(events.filter((e) => e.allowed !== undefined).map((e) => e.allowed)).toEqual([
      true, true, true, true, true, true, false, true, true, true, false, true, true, true,
    ]);
  });

  it('exit 2 for a bad timeline (file:line), an unreadable timeline, or a bad scenario', () => {
    const bad = rampart('simulate', WEB_DB_PATH, f['bad.timeline.yaml']);
    expect(bad.status).toBe(2);
    expect(bad.err).toBe(`rampart: ${f['bad.timeline.yaml']}:2: unknown step 'sned' (send, reply, connect, ping, wait, at, authorize, revoke, nacl, note)\n`);
    const missing = rampart('simulate', WEB_DB_PATH, '/nonexistent/t.yaml');
    expect(missing.status).toBe(2);
    expect(missing.err).toBe("rampart: cannot read timeline file '/nonexistent/t.yaml'\n");
    expect(rampart('simulate', f['bad.yaml'], WEB_DB_TIMELINE_PATH).status).toBe(2);
  });
});

describe('rampart validate', () => {
  it('prints the summary line and exits 0', () => {
    const r = rampart('validate', WEB_DB_PATH);
    expect(r.status).toBe(0);
    expect(r.out).toBe(`${WEB_DB_PATH}: ok — 1 VPCs, 2 subnets, 3 security groups (8 rules), 2 network ACLs, 2 route tables, 2 network interfaces, 2 instances\n`);
  });

  it('exits 2 with file:line for a bad scenario, and for an unreadable one', () => {
    const r = rampart('validate', f['bad.yaml']);
    expect(r.status).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(new RegExp(`^rampart: .*bad\\.yaml:${lineOf(badScenario, '10.0.0.1')}: InvalidParameterValue: `));
    expect(rampart('validate', '/nonexistent/x.yaml').status).toBe(2);
  });
});

describe('rampart demo', () => {
  const r = rampart('demo', '--no-color');
  const lines = r.out.split('\n');

  it('runs and exits 0', () => {
    expect(r.status).toBe(0);
    expect(r.err).toBe('');
    expect(lines[0]).toBe('rampart demo — the web server and database of the tutorial, decided packet by packet');
  });

  it('prints the six probes with the expected verdicts', () => {
    const questions = lines.filter((l) => l.startsWith('# '));
    expect(questions).toEqual([
      '# HTTPS from anywhere reaches the web server',
      '# SSH from the office (203.0.113.0/24) reaches it',
      '# SSH from elsewhere does not',
      '# the web tier reaches PostgreSQL (rule references the web group)',
      '# but not SSH on the database',
      '# and the database has no public address at all',
    ]);
    const verdicts = lines.filter((l) => l === '  ✔ reachable' || l === '  ✘ not reachable');
    expect(verdicts).toEqual(['  ✔ reachable', '  ✔ reachable', '  ✘ not reachable', '  ✔ reachable', '  ✘ not reachable', '  ✘ not reachable']);
    // each verdict follows its probe's heading line
    for (const q of questions) {
      const i = lines.indexOf(q);
      expect(lines[i + 1]).toMatch(/ → .* {2}TCP /);
      expect(lines[i + 2]).toMatch(/^ {2}[✔✘] (reachable|not reachable)$/);
    }
  });

  it('plays the timeline with the expected ✔/✘ packet verdicts', () => {
    const start = lines.indexOf('Stateful security groups, stateless network ACLs — a timeline:');
    expect(start).toBeGreaterThan(0);
    const timeline = lines.slice(start + 1);
    const verdicts = timeline.filter((l) => /^ {12}[✔✘]/.test(l)).map((l) => l.trim()[0]);
    expect(verdicts.join('')).toBe('✔✔✔✔✔✔✘✔✔✔✘✔✔✔');
    const dropped = timeline.filter((l) => l.trim().startsWith('✘'));
    expect(dropped[0]).toContain('ENI_SG_RULES_MISMATCH — ');
    expect(dropped[1]).toContain('SUBNET_ACL_RESTRICTION — ');
    expect(timeline.filter((l) => l.includes('[untracked]'))).toHaveLength(3);
  });
});

describe('rampart --help and unknown commands', () => {
  it('--help lists probe, simulate, demo and validate, exit 0', () => {
    const r = rampart('--help');
    expect(r.status).toBe(0);
    for (const cmd of ['probe', 'simulate', 'demo', 'validate']) expect(r.out).toMatch(new RegExp(`^ {2}${cmd}\\b`, 'm'));
  });

  it('every command takes --help', () => {
    for (const cmd of ['probe', 'simulate', 'demo', 'validate']) {
      const r = rampart(cmd, '--help');
      expect(r.status, cmd).toBe(0);
      expect(r.out, cmd).toContain(`Usage: rampart ${cmd}`);
    }
    const probe = rampart('probe', '--help').out;
    for (const opt of ['--from', '--to', '--ipv6', '--ephemeral', '--json', '--no-color']) expect(probe).toContain(opt);
  });

  it('--version prints the version', () => {
    const r = rampart('--version');
    expect(r.status).toBe(0);
    expect(r.out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('an unknown command exits 2 and says so', () => {
    const r = rampart('frobnicate');
    expect(r.status).toBe(2);
    expect(r.err).toContain("unknown command 'frobnicate'");
  });

  it('an unknown option exits 2', () => {
    const r = rampart('validate', WEB_DB_PATH, '--frobnicate');
    expect(r.status).toBe(2);
    expect(r.err).toContain("unknown option '--frobnicate'");
  });
});
