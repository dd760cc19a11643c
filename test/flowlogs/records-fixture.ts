// A small estate for flow-log tests, and a runner turning a simulate timeline into flow-log lines.
import { parseLogFormat } from '../../src/flowlogs/format.js';
import { FlowLogRecorder, recordLines, type RecorderOptions } from '../../src/flowlogs/records.js';
import { loadScenario, type LoadedScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/scenario/simulate.js';

export const FLOW_SCENARIO = `
vpcs:
  prod:
    cidr: 10.0.0.0/16
    internetGateway: true
    subnets:
      public:  { cidr: 10.0.1.0/24, az: us-east-1a, public: true, routeTable: public }
      private: { cidr: 10.0.2.0/24, az: us-east-1b, networkAcl: strict }
    routeTables:
      public:
        routes:
          - { destination: 0.0.0.0/0, target: igw }
    networkAcls:
      strict:
        inbound:
          - { rule: 100, protocol: all, cidr: 10.0.0.0/16, action: allow }
        outbound:
          - { rule: 100, protocol: tcp, ports: 1024-65535, cidr: 10.0.1.0/24, action: allow }
          - { rule: 110, protocol: udp, ports: 1024-65535, cidr: 10.0.1.0/24, action: allow }
    securityGroups:
      web:
        inbound:
          - { protocol: tcp, ports: 443, from: 0.0.0.0/0 }
          - { protocol: tcp, ports: 22, from: 203.0.113.0/24 }
          - { protocol: tcp, ports: 8443, from: 10.0.2.0/24 }
      db:
        inbound:
          - { protocol: tcp, ports: 5432, from: web }
          - { protocol: udp, ports: 5353, from: web }
          - { protocol: icmp, from: 10.0.0.0/16 }
instances:
  web: { subnet: public, groups: [web], privateIp: 10.0.1.10, publicIp: true, secondaryIps: 1 }
  db:  { subnet: private, groups: [db], privateIp: 10.0.2.20 }
`;

/** A format showing the fields the tests check: v5 (flags and direction). */
export const TEST_FORMAT = parseLogFormat('${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${tcp-flags} ${flow-direction}');

export function loadFlowScenario(): LoadedScenario {
  return loadScenario(FLOW_SCENARIO, 'flow.yaml');
}

/** Plays a timeline and returns the flow-log lines (in `format`) of the whole run, closed at `end` seconds. */
export function timelineLines(s: LoadedScenario, timeline: string, opts: RecorderOptions & { end?: number; format?: ReturnType<typeof parseLogFormat> } = {}): string[] {
  const sim = simulate(s, timeline, 'timeline.yaml');
  const rec = new FlowLogRecorder(s.region, sim.engine, { interval: 60, ...opts });
  let last = 0;
  for (const e of sim.events) {
    if (e.kind !== 'packet') continue;
    rec.add(e.delivery.flowEvents, e.t, 1);
    last = e.t;
  }
  return recordLines(rec.finish(opts.end ?? last + 1), opts.format ?? TEST_FORMAT);
}

export function ids(s: LoadedScenario): { web: string; db: string } {
  return { web: s.names.endpoints.get('web')![0]!, db: s.names.endpoints.get('db')![0]! };
}
