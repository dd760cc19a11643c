// README "Timelines (simulate)": each step's events, simulated time, source ports, rule changes, and the
// stateful (security groups) vs stateless (network ACLs) behaviour over time.
import { describe, expect, it } from 'vitest';
import { loadScenario, ScenarioError, type LoadedScenario } from '../../src/scenario/load.js';
import { parseDuration, simulate, type TimelineEvent } from '../../src/scenario/simulate.js';
import { formatPacket } from '../../src/engine/packet.js';
import { TCP_ACK, TCP_SYN } from '../../src/net/index.js';
import { lineOf, scenarioError, webDbText, webDbTimelineText } from './helpers.js';

type PacketEvent = Extract<TimelineEvent, { kind: 'packet' }>;
const packets = (events: TimelineEvent[]) => events.filter((e): e is PacketEvent => e.kind === 'packet');
const webDb = (): LoadedScenario => loadScenario(webDbText(), 'web-db.yaml');
/** How the security-group stages passed a packet, as the CLI prints it: rules, untracked or conntrack. */
const how = (e: PacketEvent) =>
  e.delivery.hops.filter((h) => h.kind === 'security-groups' && h.allowed).map((h) => (h.byConnectionTracking ? 'conntrack' : h.tracked === false ? 'untracked' : 'rules')).join('/');

/** A small scenario: `a` and `b` in one subnet (no NACLs between them), `c` in another behind ACL `inner`. */
const small = (opts: { tcpTimeout?: number } = {}) => loadScenario(`vpcs:
  v:
    cidr: 10.0.0.0/16
    ipv6: true
    internetGateway: true
    subnets:
      one: { cidr: 10.0.1.0/24, public: true, routeTable: out, ipv6Cidr: auto }
      two: { cidr: 10.0.2.0/24, networkAcl: inner, ipv6Cidr: auto }
    routeTables:
      out:
        routes:
          - { destination: 0.0.0.0/0, target: igw }
          - { destination: "::/0", target: igw }
    networkAcls:
      inner:
        inbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
          - { rule: 101, protocol: all, cidr: "::/0", action: allow }
        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
          - { rule: 101, protocol: all, cidr: "::/0", action: allow }
    securityGroups:
      srv:
        inbound:
          - { protocol: tcp, ports: 22, from: 10.0.0.0/16 }
          - { protocol: icmp, from: 10.0.0.0/16 }
          - { protocol: icmpv6, from: "::/0" }
        outbound:
          - { protocol: all, to: 10.0.0.0/16 }
          - { protocol: all, to: "::/0" }
instances:
  a: { subnet: one, groups: [srv], privateIp: 10.0.1.10, ipv6: true${opts.tcpTimeout ? `, connectionTracking: { tcpEstablishedTimeout: ${opts.tcpTimeout} }` : ''} }
  b: { subnet: one, groups: [srv], privateIp: 10.0.1.11, ipv6: true }
  c: { subnet: two, groups: [srv], privateIp: 10.0.2.10, ipv6: true }
`, 'small.yaml');

describe('parseDuration', () => {
  it('reads seconds, minutes, hours and days', () => {
    expect(parseDuration(30)).toBe(30);
    expect(parseDuration('30')).toBe(30);
    expect(parseDuration('30s')).toBe(30);
    expect(parseDuration('5m')).toBe(300);
    expect(parseDuration('2h')).toBe(7200);
    expect(parseDuration('1d')).toBe(86400);
    expect(parseDuration('1.5m')).toBe(90);
  });

  it('refuses what is not a duration', () => {
    for (const bad of ['soon', '5 minutes', '-3', '5w', -1]) expect(() => parseDuration(bad), String(bad)).toThrow(/is not a duration/);
  });
});

describe('simulate: the web-db example timeline', () => {
  const timeline = webDbTimelineText();
  const { events } = simulate(webDb(), timeline, 'web-db.timeline.yaml');
  const pk = packets(events);

  it('plays every step: 14 packets, 4 changes and 6 notes, each with its step\'s line', () => {
    expect(pk).toHaveLength(14);
    expect(events.filter((e) => e.kind === 'change')).toHaveLength(4);
    expect(events.filter((e) => e.kind === 'note')).toHaveLength(6);
    expect(events[0]).toMatchObject({ kind: 'note', t: 0, line: lineOf(timeline, '- note: "1.') });
    expect(events[0].kind === 'note' && events[0].text).toMatch(/^1\. A visitor opens HTTPS/);
    expect(pk[0].line).toBe(lineOf(timeline, '- connect: { from: 198.51.100.10'));
  });

  it('connect is SYN, SYN-ACK, ACK from source port 40000; the HTTPS flow is untracked', () => {
    const https = pk.slice(0, 3);
    expect(https.map((e) => e.packet.tcpFlags)).toEqual([TCP_SYN, TCP_SYN | TCP_ACK, TCP_ACK]);
    expect(https.every((e) => e.delivery.allowed)).toBe(true);
    expect(https.map((e) => [e.from, e.to])).toEqual([['internet 198.51.100.10', 'web'], ['web', 'internet 198.51.100.10'], ['internet 198.51.100.10', 'web']]);
    expect(formatPacket(https[0].packet)).toBe('TCP 198.51.100.10:40000 → 3.80.0.16:443 [SYN]');
    expect(formatPacket(https[1].packet)).toBe('TCP 10.0.1.10:443 → 198.51.100.10:40000 [SYN,ACK]');
    expect(how(https[0])).toBe('untracked');
  });

  it('the office SSH connection is tracked: rules for the SYN, conntrack for what follows', () => {
    const ssh = pk.slice(3, 6);
    expect(ssh.every((e) => e.delivery.allowed)).toBe(true);
    expect(ssh[0].packet.srcPort).toBe(40000);
    expect(ssh.map(how)).toEqual(['rules', 'conntrack', 'conntrack']);
  });

  it('revoke steps are change events with the rule described', () => {
    const changes = events.filter((e): e is Extract<TimelineEvent, { kind: 'change' }> => e.kind === 'change');
    expect(changes.map((c) => [c.t, c.text])).toEqual([
      [0, 'revoke inbound tcp 443 from 0.0.0.0/0 on web'],
      [0, 'revoke inbound tcp 22 from 203.0.113.0/24 on web'],
      [5, 'replace outbound entry 100 allow tcp 5432 10.0.0.0/16 on private'],
      [5, 'replace outbound entry 100 allow all 0.0.0.0/0 on private'],
    ]);
    expect(changes[0].line).toBe(lineOf(timeline, '- revoke: { group: web, direction: inbound, rule: { protocol: tcp, ports: 443'));
  });

  it('README: revoking an untracked flow\'s rule drops its next packet at once, while the tracked connection continues', () => {
    const [httpsAck, sshAck, sshReply] = pk.slice(6, 9);
    expect(httpsAck.t).toBe(5);
    expect(httpsAck.packet.srcPort).toBe(40000);
    expect(httpsAck.packet.tcpFlags).toBe(TCP_ACK);
    expect(httpsAck.delivery.allowed).toBe(false);
    expect(httpsAck.delivery.explanations.map((x) => x.code)).toEqual(['ENI_SG_RULES_MISMATCH']);
    expect(sshAck.delivery.allowed).toBe(true);
    expect(how(sshAck)).toBe('conntrack');
    // reply: from web back to the office, also part of the tracked connection
    expect([sshReply.from, sshReply.to]).toEqual(['web', 'internet 203.0.113.7']);
    expect(sshReply.packet.tcpFlags).toBe(TCP_ACK);
    expect(sshReply.delivery.allowed).toBe(true);
  });

  it('README: a narrowed NACL lets the SYN in but drops the SYN-ACK (and no ACK is sent)', () => {
    const [syn, synAck, nextSyn] = pk.slice(9, 12);
    expect(syn.delivery.allowed).toBe(true);
    expect(syn.packet.tcpFlags).toBe(TCP_SYN);
    expect(synAck.packet.tcpFlags).toBe(TCP_SYN | TCP_ACK);
    expect(synAck.delivery.allowed).toBe(false);
    expect(synAck.delivery.explanations).toHaveLength(1);
    expect(synAck.delivery.explanations[0]).toMatchObject({ code: 'SUBNET_ACL_RESTRICTION', direction: 'egress' });
    // the next packet is already the SYN of the connection after the ACL fix
    expect(nextSyn.packet.tcpFlags).toBe(TCP_SYN);
  });

  it('each new SYN between a pair takes the next source port: the retried web → db connection uses 40001', () => {
    const first = pk[9];
    const retry = pk.slice(11, 14);
    expect(first.packet.srcPort).toBe(40000);
    expect(retry.map((e) => e.packet.srcPort)).toEqual([40001, 5432, 40001]);
    expect(retry.every((e) => e.delivery.allowed)).toBe(true);
  });

  it('calls onEvent with each event, in order', () => {
    const seen: TimelineEvent[] = [];
    const sim = simulate(webDb(), timeline, 'web-db.timeline.yaml', (e) => seen.push(e));
    expect(seen).toEqual(sim.events);
  });
});

describe('simulate: steps', () => {
  it('send: count sends the packet that many times; flags combine; srcPort and bytes are kept', () => {
    const { events } = simulate(small(), `- send: { from: a, to: b:22/tcp, flags: "SYN,ACK", srcPort: 1234, count: 3, bytes: 1500 }\n`);
    const pk = packets(events);
    expect(pk).toHaveLength(3);
    for (const e of pk) expect(e.packet).toMatchObject({ srcPort: 1234, dstPort: 22, tcpFlags: TCP_SYN | TCP_ACK, bytes: 1500, protocol: 6 });
  });

  it('send: source ports advance per new SYN between a pair and are reused by later packets', () => {
    const { events } = simulate(small(), `
- send: { from: a, to: b:22/tcp }
- send: { from: a, to: b:22/tcp, flags: ACK }
- send: { from: a, to: b:22/tcp, flags: SYN }
- send: { from: a, to: b:22/tcp, flags: PSH,ACK }
- send: { from: a, to: c:22/tcp }
- send: { from: b, to: a:22/tcp }
`);
    expect(packets(events).map((e) => e.packet.srcPort)).toEqual([40000, 40000, 40001, 40001, 40000, 40000]);
  });

  it('send: an unknown flag, an unknown name and a bad port are errors at the step\'s line', () => {
    const cases: [string, RegExp][] = [
      ['- send: { from: a, to: b:22/tcp, flags: URG }', /unknown TCP flag 'URG'/],
      ['- send: { from: a, to: nosuch:22/tcp }', /no instance, interface or resource named 'nosuch'/],
      ['- send: { from: a, to: b:70000/tcp }', /port 70000 out of range/],
    ];
    for (const [step, message] of cases) {
      const tl = `- note: first\n${step}\n`;
      const err = scenarioError(() => simulate(small(), tl, 'tl.yaml'));
      expect(err.line).toBe(2);
      expect(err.message).toMatch(new RegExp(`^tl\\.yaml:2: `));
      expect(err.message).toMatch(message);
    }
  });

  it('reply: answers the last packet from where it arrived; default flags follow the packet (SYN → SYN,ACK)', () => {
    const { events } = simulate(small(), '- send: { from: a, to: c:22/tcp }\n- reply: {}\n- reply: { flags: RST }\n');
    const [syn, synAck, rst] = packets(events);
    expect([synAck.from, synAck.to]).toEqual(['c', 'a']);
    expect(synAck.packet).toMatchObject({ srcPort: 22, dstPort: syn.packet.srcPort, tcpFlags: TCP_SYN | TCP_ACK, src: syn.packet.dst, dst: syn.packet.src });
    expect(synAck.delivery.allowed).toBe(true);
    // a reply to the reply goes back the other way
    expect([rst.from, rst.to]).toEqual(['a', 'c']);
    expect(rst.packet.tcpFlags).toBe(4);
  });

  it('reply: with nothing sent before is an error at its line', () => {
    const tl = '- note: hi\n- reply: { flags: ACK }\n';
    const err = scenarioError(() => simulate(small(), tl, 'tl.yaml'));
    expect(err.line).toBe(lineOf(tl, 'reply'));
    expect(err.message).toContain('reply: no packet was sent before');
  });

  it('connect: the handshake stops after a refused SYN', () => {
    const { events } = simulate(small(), '- connect: { from: a, to: b:80/tcp }\n');
    const pk = packets(events);
    expect(pk).toHaveLength(1);
    expect(pk[0].delivery.allowed).toBe(false);
    expect(pk[0].delivery.explanations[0].code).toBe('ENI_SG_RULES_MISMATCH');
  });

  it('ping: an ICMP echo request (type 8) and its reply (type 0)', () => {
    const { events } = simulate(small(), '- ping: { from: a, to: c }\n');
    const pk = packets(events);
    expect(pk).toHaveLength(2);
    expect(pk.map((e) => [e.packet.protocol, e.packet.icmpType, e.delivery.allowed])).toEqual([[1, 8, true], [1, 0, true]]);
    expect([pk[1].from, pk[1].to]).toEqual(['c', 'a']);
  });

  it('ping: over IPv6 it is ICMPv6 echo (128) and reply (129)', () => {
    const { events } = simulate(small(), '- ping: { from: a, to: c, ipv6: true }\n');
    const pk = packets(events);
    expect(pk.map((e) => [e.packet.family, e.packet.protocol, e.packet.icmpType, e.delivery.allowed])).toEqual([[6, 58, 128, true], [6, 58, 129, true]]);
  });

  it('ping: to an IPv6 address is an ICMPv6 echo, not a TCP packet', () => {
    const { events } = simulate(small(), '- ping: { from: a, to: "[2001:db8::1]" }\n');
    const [echo] = packets(events);
    expect(echo.packet).toMatchObject({ family: 6, protocol: 58, icmpType: 128 });
    expect(echo.to).toBe('internet 2001:db8::1');
  });

  it('ping: a dropped echo request is not answered', () => {
    const s = small();
    const { events } = simulate(s, `
- revoke: { group: srv, direction: inbound, rule: { protocol: icmp, from: 10.0.0.0/16 } }
- ping: { from: a, to: c }
`);
    const pk = packets(events);
    expect(pk).toHaveLength(1);
    expect(pk[0].delivery.allowed).toBe(false);
  });

  it('ping: `to: c:13/icmp` sends that ICMP type (timestamp) and gets its reply type (14)', () => {
    const { events } = simulate(small(), '- ping: { from: a, to: "c:13/icmp" }\n');
    expect(packets(events).map((e) => e.packet.icmpType)).toEqual([13, 14]);
  });

  it('wait and at move simulated time; events carry it', () => {
    const { events } = simulate(small(), `
- note: start
- wait: 30s
- note: after 30s
- wait: 5m
- note: after 330s
- at: 1h
- note: at 3600s
- at: 3600
- note: still 3600s
- wait: 1d
- send: { from: a, to: b:22/tcp }
`);
    expect(events.map((e) => e.t)).toEqual([0, 30, 330, 3600, 3600, 90000]);
    expect(events.filter((e) => e.kind === 'note').map((e) => (e as { text: string }).text)).toEqual(['start', 'after 30s', 'after 330s', 'at 3600s', 'still 3600s']);
  });

  it('at: a time earlier than now is an error with the step\'s line', () => {
    const tl = '- wait: 2m\n- note: later\n- at: 60\n';
    const err = scenarioError(() => simulate(small(), tl, 'tl.yaml'));
    expect(err.line).toBe(lineOf(tl, 'at: 60'));
    expect(err.message).toBe(`tl.yaml:${lineOf(tl, 'at: 60')}: at: 60s is before the current time 120s`);
  });

  it('authorize: a change event, after which the packet passes', () => {
    const { events } = simulate(small(), `
- send: { from: a, to: b:80/tcp }
- authorize: { group: srv, direction: inbound, rule: { protocol: tcp, ports: 80, from: 10.0.1.0/24 } }
- send: { from: a, to: b:80/tcp }
`);
    expect(events.map((e) => (e.kind === 'packet' ? e.delivery.allowed : e.kind === 'change' ? e.text : e.text))).toEqual([
      false, 'authorize inbound tcp 80 from 10.0.1.0/24 on srv', true,
    ]);
  });

  it('authorize/revoke: AWS errors keep their code and the step\'s line', () => {
    const dup = '- authorize: { group: srv, rule: { protocol: tcp, ports: 22, from: 10.0.0.0/16 } }\n';
    const e1 = scenarioError(() => simulate(small(), dup, 'tl.yaml'));
    expect(e1.code).toBe('InvalidPermission.Duplicate');
    expect(e1.message.startsWith('tl.yaml:1: InvalidPermission.Duplicate: ')).toBe(true);
    const missing = '- note: x\n- revoke: { group: srv, direction: outbound, rule: { protocol: tcp, ports: 9, to: 192.0.2.0/24 } }\n';
    const e2 = scenarioError(() => simulate(small(), missing, 'tl.yaml'));
    expect(e2.line).toBe(2);
    expect(e2.code).toBe('InvalidPermission.NotFound');
    const group = '- revoke: { group: nosuch, rule: { protocol: tcp, ports: 9, from: 0.0.0.0/0 } }\n';
    expect(scenarioError(() => simulate(small(), group, 'tl.yaml')).message).toContain("no security group named 'nosuch'");
  });

  it('revoke: a tracked connection survives the revoke until it idles out (connectionTracking timeout)', () => {
    const { events } = simulate(small({ tcpTimeout: 60 }), `
- connect: { from: c, to: a:22/tcp }
- revoke: { group: srv, direction: inbound, rule: { protocol: tcp, ports: 22, from: 10.0.0.0/16 } }
- wait: 30s
- send: { from: c, to: a:22/tcp, flags: ACK }
- wait: 61s
- send: { from: c, to: a:22/tcp, flags: ACK }
`);
    const pk = packets(events);
    expect(pk.slice(0, 3).every((e) => e.delivery.allowed)).toBe(true);
    expect([pk[3].t, pk[3].delivery.allowed, how(pk[3]).split('/').pop()]).toEqual([30, true, 'conntrack']);
    expect([pk[4].t, pk[4].delivery.allowed]).toEqual([91, false]);
    expect(pk[4].delivery.explanations.map((x) => x.code)).toContain('ENI_SG_RULES_MISMATCH');
  });

  it('nacl: add and delete entries; a deny entry blocks even an established connection', () => {
    const tl = `
- connect: { from: a, to: c:22/tcp }
- nacl: { acl: inner, add: { rule: 90, direction: inbound, protocol: tcp, ports: 22, cidr: 0.0.0.0/0, action: deny } }
- send: { from: a, to: c:22/tcp, flags: ACK }
- nacl: { acl: inner, delete: { rule: 90, direction: inbound } }
- send: { from: a, to: c:22/tcp, flags: ACK }
`;
    const { events } = simulate(small(), tl, 'tl.yaml');
    const changes = events.filter((e) => e.kind === 'change');
    expect(changes.map((c) => (c as { text: string }).text)).toEqual([
      'add inbound entry 90 deny tcp 22 0.0.0.0/0 on inner',
      'delete inbound entry 90 of inner',
    ]);
    expect(changes[0].line).toBe(lineOf(tl, 'add: { rule: 90'));
    const pk = packets(events);
    expect(pk.map((e) => e.delivery.allowed)).toEqual([true, true, true, false, true]);
    expect(pk[3].delivery.explanations[0]).toMatchObject({ code: 'SUBNET_ACL_RESTRICTION', direction: 'ingress' });
  });

  it('nacl: an unknown ACL, a missing action and an AWS error are reported at the step', () => {
    const cases: [string, RegExp, string?][] = [
      ['- nacl: { acl: nosuch, add: { rule: 1, direction: inbound, cidr: 0.0.0.0/0 } }', /no network ACL named 'nosuch'/],
      ['- nacl: { acl: inner }', /nacl: say add, replace or delete/],
      ['- nacl: { acl: inner, add: { rule: 100, direction: inbound, cidr: 0.0.0.0/0 } }', /already exists/, 'NetworkAclEntryAlreadyExists'],
      ['- nacl: { acl: inner, add: { rule: 40000, direction: inbound, cidr: 0.0.0.0/0 } }', /Rule numbers must be between 1 and 32766/, 'InvalidParameterValue'],
    ];
    for (const [step, message, code] of cases) {
      const err = scenarioError(() => simulate(small(), `- note: x\n${step}\n`, 'tl.yaml'));
      expect(err.line, step).toBe(2);
      expect(err.message, step).toMatch(message);
      if (code) expect(err.code, step).toBe(code);
    }
  });

  it('nacl: an ACL name declared in two VPCs must be written vpc/name', () => {
    const two = loadScenario(`vpcs:
  a: { cidr: 10.0.0.0/16, networkAcls: { private: {} } }
  b: { cidr: 10.1.0.0/16, networkAcls: { private: {} } }
`, 'two.yaml');
    const add = (acl: string) => `- nacl: { acl: ${acl}, add: { rule: 1, direction: inbound, cidr: 0.0.0.0/0 } }\n`;
    expect(scenarioError(() => simulate(two, add('private'), 'tl.yaml')).message).toBe("tl.yaml:1: no network ACL named 'private' (use vpc/name when two VPCs have one)");
    simulate(two, add('b/private'), 'tl.yaml');
    const entries = (name: string) => two.region.getNetworkAcl(two.names.networkAcls.get(name)!).entries.filter((e) => e.ruleNumber === 1);
    expect(entries('b/private')).toHaveLength(1);
    expect(entries('a/private')).toHaveLength(0);
  });

  it('note: prints its text at the current time', () => {
    const { events } = simulate(small(), '- wait: 7\n- note: hello there\n', 'tl.yaml');
    expect(events).toEqual([{ kind: 'note', t: 7, text: 'hello there', line: 2 }]);
  });

  it('an unknown step is an error listing the valid steps, at its line', () => {
    const tl = '- note: ok\n- sned: { from: a, to: b:22/tcp }\n';
    const err = scenarioError(() => simulate(small(), tl, 'tl.yaml'));
    expect(err).toBeInstanceOf(ScenarioError);
    expect(err.line).toBe(lineOf(tl, 'sned'));
    expect(err.message).toBe(`tl.yaml:2: unknown step 'sned' (send, reply, connect, ping, wait, at, authorize, revoke, nacl, note)`);
  });

  it('a step with two actions, or that is not a mapping, is an error', () => {
    expect(scenarioError(() => simulate(small(), '- { wait: 5, note: x }\n', 'tl.yaml')).message).toContain('a step has one action, found: wait, note');
    expect(scenarioError(() => simulate(small(), '- wait\n', 'tl.yaml')).message).toContain('each step is a mapping');
  });

  it('a timeline may be { steps: [...] }; anything else is refused at line 1; YAML errors have their line', () => {
    const { events } = simulate(small(), 'steps:\n  - note: a\n  - wait: 1\n  - note: b\n', 'tl.yaml');
    expect(events.map((e) => [e.t, e.line])).toEqual([[0, 2], [1, 4]]);
    const err = scenarioError(() => simulate(small(), 'note: a\n', 'tl.yaml'));
    expect(err.line).toBe(1);
    expect(err.message).toContain('a timeline is a list of steps');
    const yamlErr = scenarioError(() => simulate(small(), '- note: a\n- send: { from: a, to: [ }\n', 'tl.yaml'));
    expect(yamlErr.line).toBe(2);
  });
});
