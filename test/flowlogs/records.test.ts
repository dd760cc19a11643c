// Flow-log records exactly as AWS writes them, from timelines played through the engine.
import { describe, expect, it } from 'vitest';
import { parseLogFormat } from '../../src/flowlogs/format.js';
import { loadScenario } from '../../src/scenario/load.js';
import { flowLogTcpFlags } from '../../src/flowlogs/records.js';
import { ids, loadFlowScenario, timelineLines } from './records-fixture.js';

// 2026-01-01T00:00:00Z, the default epoch: simulated second 0 of every run
const T0 = 1767225600;

describe('flow-log records of single flows (60 s interval, v5 format with tcp-flags and flow-direction)', () => {
  it('an allowed TCP connection: one record per direction on each interface, flags OR-ed', () => {
    const s = loadFlowScenario();
    const { web, db } = ids(s);
    const lines = timelineLines(s, `
- connect: { from: web, to: db:5432 }
- wait: 2
- send: { from: web, to: db:5432, flags: ACK, bytes: 300 }
- reply: { flags: ACK }
- send: { from: web, to: db:5432, flags: FIN }
- reply: { flags: FIN }
- send: { from: web, to: db:5432, flags: ACK }
`);
    // SYN 2 | FIN 1 = 3 for the client's packets; SYN-ACK 18 | FIN 1 = 19 for the server's; ACK alone adds nothing
    expect(lines).toEqual([
      `5 ${db} 10.0.2.20 10.0.1.10 5432 40000 6 3 420 ${T0} ${T0 + 2} ACCEPT OK 19 egress`,
      `5 ${db} 10.0.1.10 10.0.2.20 40000 5432 6 5 540 ${T0} ${T0 + 2} ACCEPT OK 3 ingress`,
      `5 ${web} 10.0.1.10 10.0.2.20 40000 5432 6 5 540 ${T0} ${T0 + 2} ACCEPT OK 3 egress`,
      `5 ${web} 10.0.2.20 10.0.1.10 5432 40000 6 3 420 ${T0} ${T0 + 2} ACCEPT OK 19 ingress`,
    ]);
  });

  it('a connection the security group rejects: one REJECT record per flow, nothing sent back; the other interface has NODATA', () => {
    const s = loadFlowScenario();
    const { web, db } = ids(s);
    const lines = timelineLines(s, `
- send: { from: 198.51.100.10, to: web:22, flags: SYN }
- wait: 3
- send: { from: 198.51.100.10, to: web:22, flags: SYN }
`);
    // the internet gateway has translated the public address: dstaddr is web's private address
    expect(lines).toEqual([
      `5 ${db} - - - - - - - ${T0} ${T0 + 60} - NODATA - -`,
      `5 ${web} 198.51.100.10 10.0.1.10 40000 22 6 1 60 ${T0} ${T0} REJECT OK 2 ingress`,
      `5 ${web} 198.51.100.10 10.0.1.10 40001 22 6 1 60 ${T0 + 3} ${T0 + 3} REJECT OK 2 ingress`,
    ]);
  });

  it('a ping the NACL lets in but not back out: ACCEPT ingress and REJECT egress at the target, then NODATA minutes', () => {
    const s = loadFlowScenario();
    const { web, db } = ids(s);
    const lines = timelineLines(s, `
- ping: { from: web, to: db }
- wait: 1
- ping: { from: web, to: db }
`, { end: 180 });
    expect(lines).toEqual([
      `5 ${db} 10.0.2.20 10.0.1.10 0 0 1 2 120 ${T0} ${T0 + 1} REJECT OK 0 egress`,
      `5 ${db} 10.0.1.10 10.0.2.20 0 0 1 2 120 ${T0} ${T0 + 1} ACCEPT OK 0 ingress`,
      `5 ${web} 10.0.1.10 10.0.2.20 0 0 1 2 120 ${T0} ${T0 + 1} ACCEPT OK 0 egress`,
      `5 ${db} - - - - - - - ${T0 + 60} ${T0 + 120} - NODATA - -`,
      `5 ${web} - - - - - - - ${T0 + 60} ${T0 + 120} - NODATA - -`,
      `5 ${db} - - - - - - - ${T0 + 120} ${T0 + 180} - NODATA - -`,
      `5 ${web} - - - - - - - ${T0 + 120} ${T0 + 180} - NODATA - -`,
    ]);
  });

  it('an untracked flow (443 from 0.0.0.0/0) is cut at once when its rule is removed', () => {
    const s = loadFlowScenario();
    const { web, db } = ids(s);
    const lines = timelineLines(s, `
- connect: { from: 198.51.100.10, to: web:443 }
- at: 5
- revoke: { group: web, rule: { protocol: tcp, ports: 443, from: 0.0.0.0/0 } }
- at: 10
- send: { from: 198.51.100.10, to: web:443, flags: ACK, srcPort: 40000 }
`);
    expect(lines).toEqual([
      `5 ${db} - - - - - - - ${T0} ${T0 + 60} - NODATA - -`,
      `5 ${web} 10.0.1.10 198.51.100.10 443 40000 6 1 60 ${T0} ${T0} ACCEPT OK 18 egress`,
      `5 ${web} 198.51.100.10 10.0.1.10 40000 443 6 2 120 ${T0} ${T0} ACCEPT OK 2 ingress`,
      `5 ${web} 198.51.100.10 10.0.1.10 40000 443 6 1 60 ${T0 + 10} ${T0 + 10} REJECT OK 0 ingress`,
    ]);
  });

  it('a tracked connection (SSH from a /24) survives the removal of its rule', () => {
    const s = loadFlowScenario();
    const { web, db } = ids(s);
    const lines = timelineLines(s, `
- connect: { from: 203.0.113.7, to: web:22 }
- at: 5
- revoke: { group: web, rule: { protocol: tcp, ports: 22, from: 203.0.113.0/24 } }
- at: 10
- send: { from: 203.0.113.7, to: web:22, flags: ACK, srcPort: 40000 }
- reply: { flags: ACK }
`);
    expect(lines).toEqual([
      `5 ${db} - - - - - - - ${T0} ${T0 + 60} - NODATA - -`,
      `5 ${web} 10.0.1.10 203.0.113.7 22 40000 6 2 120 ${T0} ${T0 + 10} ACCEPT OK 18 egress`,
      `5 ${web} 203.0.113.7 10.0.1.10 40000 22 6 3 180 ${T0} ${T0 + 10} ACCEPT OK 2 ingress`,
    ]);
  });

  it('a UDP flow (one request/response) times out 30 s after its last packet', () => {
    const s = loadFlowScenario();
    const { web, db } = ids(s);
    // db answers again at 25 s (within 30 s of the last packet: accepted), then at 56 s (31 s idle: rejected,
    // web's group allows no inbound UDP)
    const lines = timelineLines(s, `
- send: { from: web, to: db:5353/udp }
- reply: {}
- at: 25
- send: { from: db, to: web:40000/udp, srcPort: 5353 }
- at: 56
- send: { from: db, to: web:40000/udp, srcPort: 5353 }
`);
    expect(lines).toEqual([
      `5 ${db} 10.0.2.20 10.0.1.10 5353 40000 17 3 180 ${T0} ${T0 + 56} ACCEPT OK 0 egress`,
      `5 ${db} 10.0.1.10 10.0.2.20 40000 5353 17 1 60 ${T0} ${T0} ACCEPT OK 0 ingress`,
      `5 ${web} 10.0.1.10 10.0.2.20 40000 5353 17 1 60 ${T0} ${T0} ACCEPT OK 0 egress`,
      `5 ${web} 10.0.2.20 10.0.1.10 5353 40000 17 2 120 ${T0} ${T0 + 25} ACCEPT OK 0 ingress`,
      `5 ${web} 10.0.2.20 10.0.1.10 5353 40000 17 1 60 ${T0 + 56} ${T0 + 56} REJECT OK 0 ingress`,
    ]);
  });

  it('a UDP stream (two transactions) lives 180 s idle; NODATA for the quiet minutes', () => {
    const s = loadFlowScenario();
    const { web, db } = ids(s);
    const lines = timelineLines(s, `
- send: { from: web, to: db:5353/udp }
- reply: {}
- at: 2
- send: { from: web, to: db:5353/udp, srcPort: 40000 }
- reply: {}
- at: 150
- send: { from: db, to: web:40000/udp, srcPort: 5353 }
- at: 331
- send: { from: db, to: web:40000/udp, srcPort: 5353 }
`);
    expect(lines).toEqual([
      `5 ${db} 10.0.2.20 10.0.1.10 5353 40000 17 2 120 ${T0} ${T0 + 2} ACCEPT OK 0 egress`,
      `5 ${db} 10.0.1.10 10.0.2.20 40000 5353 17 2 120 ${T0} ${T0 + 2} ACCEPT OK 0 ingress`,
      `5 ${web} 10.0.1.10 10.0.2.20 40000 5353 17 2 120 ${T0} ${T0 + 2} ACCEPT OK 0 egress`,
      `5 ${web} 10.0.2.20 10.0.1.10 5353 40000 17 2 120 ${T0} ${T0 + 2} ACCEPT OK 0 ingress`,
      `5 ${db} - - - - - - - ${T0 + 60} ${T0 + 120} - NODATA - -`,
      `5 ${web} - - - - - - - ${T0 + 60} ${T0 + 120} - NODATA - -`,
      // 148 s idle: still a live stream
      `5 ${db} 10.0.2.20 10.0.1.10 5353 40000 17 1 60 ${T0 + 150} ${T0 + 150} ACCEPT OK 0 egress`,
      `5 ${web} 10.0.2.20 10.0.1.10 5353 40000 17 1 60 ${T0 + 150} ${T0 + 150} ACCEPT OK 0 ingress`,
      `5 ${db} - - - - - - - ${T0 + 180} ${T0 + 240} - NODATA - -`,
      `5 ${web} - - - - - - - ${T0 + 180} ${T0 + 240} - NODATA - -`,
      `5 ${db} - - - - - - - ${T0 + 240} ${T0 + 300} - NODATA - -`,
      `5 ${web} - - - - - - - ${T0 + 240} ${T0 + 300} - NODATA - -`,
      // 181 s idle: the stream is gone and web's rules allow no inbound UDP
      `5 ${db} 10.0.2.20 10.0.1.10 5353 40000 17 1 60 ${T0 + 331} ${T0 + 331} ACCEPT OK 0 egress`,
      `5 ${web} 10.0.2.20 10.0.1.10 5353 40000 17 1 60 ${T0 + 331} ${T0 + 331} REJECT OK 0 ingress`,
    ]);
  });
});

describe('flow-log formats, addresses, intervals and traffic types', () => {
  const connect = `
- connect: { from: 198.51.100.10, to: web:443 }
- at: 70
- send: { from: 198.51.100.10, to: web:22, flags: SYN }
`;

  it('the default v2 format with the account, and a 600 s interval aggregating both minutes', () => {
    const s = loadFlowScenario();
    const { web, db } = ids(s);
    const lines = timelineLines(s, connect, { interval: 600, format: parseLogFormat(undefined) });
    expect(lines).toEqual([
      `2 123456789012 ${db} - - - - - - - ${T0} ${T0 + 600} - NODATA`,
      `2 123456789012 ${web} 10.0.1.10 198.51.100.10 443 40000 6 1 60 ${T0} ${T0} ACCEPT OK`,
      // a new connection between the same endpoints takes the next client port
      `2 123456789012 ${web} 198.51.100.10 10.0.1.10 40000 443 6 2 120 ${T0} ${T0} ACCEPT OK`,
      `2 123456789012 ${web} 198.51.100.10 10.0.1.10 40001 22 6 1 60 ${T0 + 70} ${T0 + 70} REJECT OK`,
    ]);
  });

  it('traffic type REJECT keeps only rejected flows, ACCEPT only accepted ones (NODATA either way)', () => {
    const s = loadFlowScenario();
    const { web } = ids(s);
    const rejects = timelineLines(s, connect, { interval: 600, trafficType: 'REJECT' }).filter((l) => l.includes(web));
    expect(rejects).toEqual([`5 ${web} 198.51.100.10 10.0.1.10 40001 22 6 1 60 ${T0 + 70} ${T0 + 70} REJECT OK 2 ingress`]);
    const s2 = loadFlowScenario();
    const accepts = timelineLines(s2, connect, { interval: 600, trafficType: 'ACCEPT' }).filter((l) => l.includes(web));
    expect(accepts.map((l) => l.split(' ')[11])).toEqual(['ACCEPT', 'ACCEPT']);
  });

  it('v3–v5 fields: ids, type, packet addresses of a secondary IP, Region and zone, direction, traffic path; v8 reject-reason', () => {
    const s = loadFlowScenario();
    const { web, db } = ids(s);
    const secondary = s.region.networkInterfaces.get(web)!.privateIpAddresses.find((p) => !p.primary)!.privateIpAddress;
    const instance = s.names.instances.get('web')!;
    const dbInstance = s.names.instances.get('db')!;
    const vpc = s.names.vpcs.get('prod')!;
    const pub = s.names.subnets.get('prod/public') ?? s.names.subnets.get('public')!;
    const priv = s.names.subnets.get('prod/private') ?? s.names.subnets.get('private')!;
    const fmt = parseLogFormat('${version} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} ${type} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr} ${region} ${az-id} ${sublocation-type} ${sublocation-id} ${pkt-src-aws-service} ${pkt-dst-aws-service} ${flow-direction} ${traffic-path} ${action} ${reject-reason}');
    expect(fmt.version).toBe(8);
    const lines = timelineLines(s, `
- send: { from: db, to: ${secondary}:8443, flags: SYN }
- send: { from: web, to: 198.51.100.10:443, flags: SYN }
`, { format: fmt });
    expect(lines).toEqual([
      // traffic to web's secondary address: dstaddr is its primary private IPv4, pkt-dstaddr the packet's
      `8 ${vpc} ${priv} ${dbInstance} ${db} IPv4 10.0.2.20 ${secondary} 10.0.2.20 ${secondary} us-east-1 use1-az2 - - - - egress 1 ACCEPT -`,
      `8 ${vpc} ${pub} ${instance} ${web} IPv4 10.0.1.10 198.51.100.10 10.0.1.10 198.51.100.10 us-east-1 use1-az1 - - - - egress 8 ACCEPT -`,
      `8 ${vpc} ${pub} ${instance} ${web} IPv4 10.0.2.20 10.0.1.10 10.0.2.20 ${secondary} us-east-1 use1-az1 - - - - ingress - ACCEPT -`,
    ]);
  });

  it('traffic to the Amazon DNS server, instance metadata and the VPC router is not logged (User Guide: flow log limitations)', () => {
    const s = loadFlowScenario();
    const { web, db } = ids(s);
    const lines = timelineLines(s, `
- send: { from: web, to: 10.0.0.2:53/udp }
- send: { from: web, to: 169.254.169.254:80 }
- send: { from: web, to: 10.0.1.1:67/udp }
`, { end: 60 });
    expect(lines).toEqual([`5 ${db} - - - - - - - ${T0} ${T0 + 60} - NODATA - -`, `5 ${web} - - - - - - - ${T0} ${T0 + 60} - NODATA - -`]);
  });

  it('IPv6 flows: type IPv6, the interface\'s IPv6 address on its side', () => {
    const s = loadScenario(`
vpcs:
  v6:
    cidr: 10.9.0.0/16
    ipv6: true
    subnets:
      a: { cidr: 10.9.1.0/24, az: us-east-1a, ipv6Cidr: auto }
    securityGroups:
      srv:
        inbound:
          - { protocol: tcp, ports: 443, from: "::/0" }
        outbound:
          - { protocol: all, to: "::/0" }
instances:
  client: { subnet: a, groups: [srv], ipv6: true }
  server: { subnet: a, groups: [srv], ipv6: true }
`, 'v6.yaml');
    const client = s.names.endpoints.get('client')![0]!;
    const server = s.names.endpoints.get('server')![0]!;
    const c6 = s.region.networkInterfaces.get(client)!.ipv6Addresses[0]!;
    const s6 = s.region.networkInterfaces.get(server)!.ipv6Addresses[0]!;
    const lines = timelineLines(s, `
- send: { from: client, to: server:443, ipv6: true, flags: SYN }
`, { format: parseLogFormat('${version} ${interface-id} ${type} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr} ${dstport} ${action} ${flow-direction}') });
    expect(lines).toEqual([
      `5 ${client} IPv6 ${c6} ${s6} ${c6} ${s6} 443 ACCEPT egress`,
      `5 ${server} IPv6 ${c6} ${s6} ${c6} ${s6} 443 ACCEPT ingress`,
    ].sort((a, b) => (a.split(' ')[1]! < b.split(' ')[1]! ? -1 : 1)));
  });

  it('tcp-flags keep FIN, SYN, RST and SYN-ACK only', () => {
    expect(flowLogTcpFlags(2)).toBe(2);
    expect(flowLogTcpFlags(2 | 16)).toBe(18);
    expect(flowLogTcpFlags(16)).toBe(0);
    expect(flowLogTcpFlags(8 | 16)).toBe(0);
    expect(flowLogTcpFlags(1 | 16)).toBe(1);
    expect(flowLogTcpFlags(4)).toBe(4);
  });
});
