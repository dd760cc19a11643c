// An import written as a scenario file loads back to the same network (ids generated again), and what the
// format cannot carry is listed at the top of the file.
import { describe, expect, it } from 'vitest';
import { importSources } from '../../src/importer/index.js';
import { regionToScenario } from '../../src/importer/scenario.js';
import { loadScenario } from '../../src/scenario/load.js';
import { generateEstate } from '../../src/scenario/generate.js';
import { protocolName } from '../../src/net/index.js';
import type { Region } from '../../src/state/region.js';
import { ACCOUNT_DIR } from './helpers.js';

/** The network without ids: everything named by CIDR, group name, address. Stale rules and opaque routes left out. */
function canonical(r: Region): Record<string, unknown> {
  const vpcCidr = (id: string) => r.vpcs.get(id)!.cidrBlocks[0].cidrBlock;
  const subnetCidr = (id: string) => r.subnets.get(id)!.cidrBlock;
  const groupName = (id: string) => { const g = r.securityGroups.get(id); return g ? `${vpcCidr(g.vpcId)}/${g.name}` : undefined; };
  const tags = (t: { key: string; value: string }[]) => t.filter((x) => x.key !== 'Name' && !x.key.startsWith('aws:')).map((x) => `${x.key}=${x.value}`).sort();
  const stale = new Set(r.staleRules().map((x) => x.id));
  const sort = (xs: string[]) => [...xs].sort();
  return {
    vpcs: sort([...r.vpcs.values()].map((v) => `${v.cidrBlocks.map((b) => b.cidrBlock).join(',')} v6=${v.ipv6CidrBlocks.map((b) => b.ipv6CidrBlock).join(',')} igw=${!!r.attachedInternetGateway(v.id)} ${tags(v.tags)}`)),
    subnets: sort([...r.subnets.values()].map((s) => {
      const acl = r.subnetNetworkAcl(s.id);
      const rt = r.subnetRouteTable(s.id);
      return `${s.cidrBlock} ${s.availabilityZone} v6=${s.ipv6CidrBlocks.map((b) => b.ipv6CidrBlock)} public=${s.mapPublicIpOnLaunch} acl=[${acl.entries.map((e) => `${e.egress}:${e.ruleNumber}:${e.ruleAction}:${e.protocol}:${e.cidrBlock ?? e.ipv6CidrBlock}:${e.portRange?.from}-${e.portRange?.to}:${e.icmpTypeCode?.type}/${e.icmpTypeCode?.code}`).join(' ')}] rt=[${sort(rt.routes.filter((x) => x.target.kind !== 'other').map((x) => `${x.destinationCidrBlock ?? x.destinationIpv6CidrBlock ?? r.prefixLists.get(x.destinationPrefixListId!)?.name}->${x.target.kind}`)).join(' ')}] ${tags(s.tags)}`;
    })),
    groups: sort([...r.securityGroups.values()].map((g) => `${groupName(g.id)} "${g.name === 'default' ? '' : g.description}" ${tags(g.tags)} ` + sort([...g.ingress, ...g.egress].filter((id) => !stale.has(id)).map((id) => {
      const x = r.securityGroupRules.get(id)!;
      const peer = x.peer.kind === 'group' ? groupName(x.peer.groupId) : x.peer.kind === 'prefixList' ? `pl:${r.prefixLists.get(x.peer.prefixListId)!.name}` : x.peer.cidr;
      return `${x.isEgress ? 'out' : 'in'} ${protocolName(x.protocol)} ${x.fromPort}-${x.toPort} ${peer} "${x.description ?? ''}"`;
    })).join('; '))),
    interfaces: sort([...r.networkInterfaces.values()].map((e) => `${e.privateIpAddresses[0].privateIpAddress}+${e.privateIpAddresses.length - 1} v6=${e.ipv6Addresses.length} ${subnetCidr(e.subnetId)} [${sort(e.groups.map((g) => groupName(g)!))}] sdc=${e.sourceDestCheck} public=${!!e.privateIpAddresses[0].association} eip=${!!e.privateIpAddresses[0].association?.allocationId}`)),
    services: sort([...r.services.values()].map((s) => `${s.kind} ${s.name} ${s.subnetIds.map(subnetCidr)} ${s.internetFacing}`)),
    peerings: sort([...r.vpcPeeringConnections.values()].map((p) => `${vpcCidr(p.requesterVpcId)}-${vpcCidr(p.accepterVpcId)} ${p.status}`)),
    prefixLists: sort([...r.prefixLists.values()].map((p) => `${p.name} ${p.maxEntries} ${p.entries.map((e) => e.cidr)}`)),
    instances: r.instances.size,
  };
}

describe('import --out: a scenario file', () => {
  const imported = importSources([ACCOUNT_DIR]).regions[0];
  const out = regionToScenario(imported.state, { quotas: imported.quotas });

  it('loads back to the same network', () => {
    const loaded = loadScenario(out.yaml, 'imported.yaml').region;
    expect(loaded.accountId).toBe('111122223333');
    expect(canonical(loaded)).toEqual(canonical(imported.state));
  });

  it('lists what the format cannot say: the stale reference, opaque routes, addresses chosen again, aws: tags', () => {
    const header = out.yaml.split('\n').filter((l) => l.startsWith('#')).join('\n');
    expect(header).toMatch(/ids are generated again/);
    expect(out.notes).toEqual(expect.arrayContaining([
      expect.stringMatching(/rule sgr-0000000abc0000013 left out: its stale reference to sg-0ffffeeeeddddcccc/),
      expect.stringMatching(/route to 172\.16\.0\.0\/12 via tgw-0123456789abcdef0 left out/),
      expect.stringMatching(/tag aws:cloudformation:stack-name left out/),
      expect.stringMatching(/interface .*: requester-managed \(AROAEXAMPLE:thumbnailer\)/),
    ]));
    expect(header).toMatch(/stale reference/);
  });

  it('a generated estate of 1,000 interfaces goes through import and scenario and comes back the same', () => {
    const original = loadScenario(generateEstate({ enis: 1000, seed: 3 }), 'gen.yaml').region;
    const sc = regionToScenario(original);
    expect(canonical(loadScenario(sc.yaml, 'again.yaml').region)).toEqual(canonical(original));
  });
});
