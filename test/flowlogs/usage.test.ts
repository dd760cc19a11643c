// Rule usage on a small hand-made log: exact counts per rule and entry, unused rules, and flows no rule allowed.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { parseRecord } from '../../src/flowlogs/format.js';
import { UsageSession } from '../../src/flowlogs/usage.js';
import { estate, V5 } from './replay-helpers.js';

describe('usage', () => {
  it('counts flows, packets, bytes, peers and ports per rule and entry, exactly', () => {
    const s = estate();
    const eni = (n: string) => s.names.endpoints.get(n)![0];
    const [web, db] = [eni('web'), eni('db')];
    // version account interface src dst sport dport proto packets bytes start end action status vpc subnet flags direction
    const log = [
      `5 123456789012 ${db} 10.0.3.10 10.0.2.20 40000 5432 6 10 1000 100 160 ACCEPT OK - - 2 ingress`,
      `5 123456789012 ${db} 10.0.3.11 10.0.2.20 40001 5432 6 5 500 200 210 ACCEPT OK - - 2 ingress`,
      // the response of the first: its packets count for the rule that admitted the request, not as a flow
      `5 123456789012 ${db} 10.0.2.20 10.0.3.10 5432 40000 6 8 4000 100 160 ACCEPT OK - - 18 egress`,
      // web → db:6379: the db group's rule would allow it, but the data subnet's ACL denies it first (entry *)
      `5 123456789012 ${db} 10.0.1.10 10.0.2.20 40002 6379 6 3 180 300 300 REJECT OK - - 2 ingress`,
      `5 123456789012 ${db} 10.0.3.10 10.0.2.20 0 0 1 4 336 400 400 ACCEPT OK - - 0 ingress`,
      `5 123456789012 ${web} 198.51.100.7 10.0.1.10 50000 443 6 6 900 500 560 ACCEPT OK - - 2 ingress`,
      `5 123456789012 ${web} 198.51.100.8 10.0.1.10 50001 22 6 2 120 600 600 REJECT OK - - 2 ingress`,
      `5 123456789012 ${db} 10.0.3.10 10.0.2.20 40010 8080 6 1 60 700 700 REJECT OK - - 2 ingress`,
      `5 123456789012 ${db} - - - - - - - 0 600 - NODATA - - - -`,
    ];
    const u = new UsageSession(new Engine(s.region), s.names);
    for (const l of log) u.add(parseRecord(l, V5));
    const r = u.report();
    expect(r).toMatchObject({ records: 9, judged: 8, noFlow: 1, unknownInterface: 0, undecidable: 0 });
    const rule = (group: string, text: (x: { protocol: number; fromPort: number; isEgress: boolean }) => boolean) => {
      const gid = s.names.groups.get(group)!;
      const found = r.securityGroupRules.filter((x) => x.groupId === gid && text(x.rule));
      expect(found).toHaveLength(1);
      return found[0];
    };
    const pick = ({ flows, soleFlows, packets, bytes, firstSeen, lastSeen, peers, ports, covered }: typeof r.securityGroupRules[number]) => ({ flows, soleFlows, packets, bytes, firstSeen, lastSeen, peers, ports, covered });
    expect(pick(rule('db', (x) => x.protocol === 6 && x.fromPort === 5432))).toEqual({ flows: 2, soleFlows: 2, packets: 23, bytes: 5500, firstSeen: 100, lastSeen: 210, peers: 2, ports: 1, covered: true });
    expect(pick(rule('db', (x) => x.protocol === 1))).toEqual({ flows: 1, soleFlows: 1, packets: 4, bytes: 336, firstSeen: 400, lastSeen: 400, peers: 1, ports: 0, covered: true });
    expect(rule('db', (x) => x.fromPort === 6379).flows).toBe(0);
    expect(rule('db', (x) => x.isEgress).flows).toBe(0);
    expect(pick(rule('web', (x) => x.fromPort === 443))).toEqual({ flows: 1, soleFlows: 1, packets: 6, bytes: 900, firstSeen: 500, lastSeen: 560, peers: 1, ports: 1, covered: true });
    expect(rule('web', (x) => x.fromPort === 22).flows).toBe(0);
    // no interface of the app group is in the log: its rules are not covered
    expect(r.securityGroupRules.filter((x) => x.groupId === s.names.groups.get('app')).every((x) => !x.covered && x.flows === 0)).toBe(true);

    const dataAcl = s.names.networkAcls.get('data')!;
    const entry = (acl: string, egress: boolean, n: number) => {
      const e = r.networkAclEntries.find((x) => x.networkAclId === acl && x.egress === egress && x.ruleNumber === n)!;
      return { flows: e.flows, packets: e.packets, bytes: e.bytes };
    };
    expect(entry(dataAcl, false, 100)).toEqual({ flows: 2, packets: 15, bytes: 1500 });
    expect(entry(dataAcl, false, 110)).toEqual({ flows: 1, packets: 4, bytes: 336 });
    expect(entry(dataAcl, false, 120)).toEqual({ flows: 0, packets: 0, bytes: 0 });
    expect(entry(dataAcl, false, 32767)).toEqual({ flows: 2, packets: 4, bytes: 240 });
    expect(entry(dataAcl, true, 100)).toEqual({ flows: 1, packets: 8, bytes: 4000 });
    const publicAcl = s.region.subnetNetworkAcl(s.region.networkInterfaces.get(web)!.subnetId).id;
    expect(entry(publicAcl, false, 100)).toEqual({ flows: 2, packets: 8, bytes: 1020 });
    // SSH from outside the office: no rule of web allowed it (the ACL did); 6379 and 8080 were the ACL's doing
    expect(r.rejectedBySecurityGroups).toEqual([{ networkInterfaceId: web, egress: false, flows: 1, packets: 2 }]);
  });
});
