// A three-tier estate, a workload played through the engine into flow-log lines (the other engineer's
// FlowLogRecorder), and the scenario with one change applied, for replay, usage and least-privilege tests.
import { parseLogFormat, type FlowLogFormat } from '../../src/flowlogs/format.js';
import { FlowLogRecorder, recordLines } from '../../src/flowlogs/records.js';
import { loadScenario, type LoadedScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/scenario/simulate.js';

export const ESTATE = `
vpcs:
  prod:
    cidr: 10.0.0.0/16
    internetGateway: true
    subnets:
      public: { cidr: 10.0.1.0/24, az: us-east-1a, public: true, routeTable: public }
      app:    { cidr: 10.0.3.0/24, az: us-east-1a }
      data:   { cidr: 10.0.2.0/24, az: us-east-1b, networkAcl: data }
    routeTables:
      public:
        routes:
          - { destination: 0.0.0.0/0, target: igw }
    networkAcls:
      data:
        inbound:
          - { rule: 100, protocol: tcp, ports: 5432, cidr: 10.0.3.0/24, action: allow }
          - { rule: 110, protocol: icmp, cidr: 10.0.0.0/16, action: allow }
          - { rule: 120, protocol: tcp, ports: 5432, cidr: 10.0.1.0/24, action: allow }
        outbound:
          - { rule: 100, protocol: tcp, ports: 1024-65535, cidr: 10.0.0.0/16, action: allow }
          - { rule: 110, protocol: icmp, cidr: 10.0.0.0/16, action: allow }
    securityGroups:
      web:
        inbound:
          - { protocol: tcp, ports: 443, from: 0.0.0.0/0 }
          - { protocol: tcp, ports: 22, from: 203.0.113.0/24 }
      app:
        inbound:
          - { protocol: tcp, ports: 8080, from: web }
          - { protocol: tcp, ports: 8000-8999, from: 10.0.0.0/16 }
      db:
        inbound:
          - { protocol: tcp, ports: 5432, from: app }
          - { protocol: icmp, from: 10.0.0.0/16 }
          - { protocol: tcp, ports: 6379, from: 10.0.0.0/8 }
instances:
  web:  { subnet: public, groups: [web], privateIp: 10.0.1.10, publicIp: true }
  app:  { subnet: app, groups: [app], privateIp: 10.0.3.10 }
  app2: { subnet: app, groups: [app], privateIp: 10.0.3.11 }
  db:   { subnet: data, groups: [db], privateIp: 10.0.2.20 }
`;

export const WORKLOAD = `
- connect: { from: 198.51.100.7, to: web:443/tcp }
- connect: { from: 198.51.100.9, to: web:443/tcp }
- connect: { from: 203.0.113.9, to: web:22/tcp }
- connect: { from: 198.51.100.8, to: web:22/tcp }
- connect: { from: web, to: app:8080/tcp }
- send: { from: web, to: app:8080/tcp, flags: ACK, count: 4, bytes: 500 }
- connect: { from: app, to: db:5432/tcp }
- send: { from: app, to: db:5432/tcp, flags: ACK, count: 3, bytes: 200 }
- connect: { from: app2, to: db:5432/tcp }
- connect: { from: web, to: db:5432/tcp }
- connect: { from: app2, to: app:8081/tcp }
- ping: { from: app, to: db }
- wait: 90s
- connect: { from: app, to: db:5432/tcp }
`;

/** v5 fields: tcp-flags and flow-direction tell the roles */
export const V5 = parseLogFormat('${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${subnet-id} ${tcp-flags} ${flow-direction}');
export const V2 = parseLogFormat(undefined);

/** The estate with `change` (timeline steps: authorize, revoke, nacl) applied. */
export function estate(change?: string): LoadedScenario {
  const s = loadScenario(ESTATE, 'estate.yaml');
  if (change) simulate(s, change, 'change.yaml');
  return s;
}

/** The workload played against the estate (with a change applied first), as flow-log lines. */
export function workloadLines(change: string | undefined, format: FlowLogFormat, workload = WORKLOAD): string[] {
  const s = estate(change);
  const sim = simulate(s, workload, 'workload.yaml');
  const rec = new FlowLogRecorder(s.region, sim.engine, { interval: 60 });
  let last = 0;
  for (const e of sim.events) {
    if (e.kind !== 'packet') continue;
    rec.add(e.delivery.flowEvents, e.t, 1);
    last = e.t;
  }
  return recordLines(rec.finish(last + 1), format);
}
