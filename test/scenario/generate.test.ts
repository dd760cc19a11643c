// The synthetic estate generator: deterministic, always loadable (every AWS invariant and quota the loader
// enforces), realistic in shape, and carrying its mistakes only when asked.
import { beforeAll, describe, expect, it } from 'vitest';
import { generateEstate, generateEstateData, generateEstateReport, type GenerateOptions, type MistakeKind } from '../../src/scenario/generate.js';
import { loadScenario, type LoadedScenario } from '../../src/scenario/load.js';
import { cidrContains, cidrOverlaps, parseCidr } from '../../src/net/index.js';
import type { NetworkAclEntry, SecurityGroupRule } from '../../src/model/types.js';
import type { Region } from '../../src/state/region.js';

const ADMIN_PORTS = [22, 3389];
const DB_PORTS = [5432, 3306, 1433, 27017];
/** every service port family the estate should carry: [label, from, to] */
const FAMILIES: [string, number, number][] = [
  ['http', 80, 80], ['https', 443, 443], ['app 8080', 8080, 8080], ['app 8443', 8443, 8443], ['app 9000-9100', 9000, 9100],
  ['postgres', 5432, 5432], ['mysql', 3306, 3306], ['mssql', 1433, 1433], ['mongodb', 27017, 27017],
  ['redis', 6379, 6379], ['memcached', 11211, 11211], ['rabbitmq', 5672, 5672], ['kafka', 9092, 9092],
  ['ssh', 22, 22], ['rdp', 3389, 3389],
];

function load(opts: GenerateOptions): LoadedScenario {
  return loadScenario(generateEstate(opts), 'estate.yaml');
}

const covers = (r: { protocol: number; fromPort: number; toPort: number }, lo: number, hi: number) =>
  r.protocol === -1 || (r.protocol === 6 && r.fromPort <= lo && r.toPort >= hi);
const isWorld = (r: SecurityGroupRule) => (r.peer.kind === 'cidr4' && r.peer.cidr === '0.0.0.0/0') || (r.peer.kind === 'cidr6' && r.peer.cidr === '::/0');
const customGroups = (region: Region) => [...region.securityGroups.values()].filter((g) => g.name !== 'default');
const rulesOf = (region: Region, ids: string[]) => ids.map((id) => region.securityGroupRules.get(id)!);

/** the quota weight of a group's rules in one direction, per family (README "Quotas") */
function weights(region: Region, ruleIds: string[]): { v4: number; v6: number } {
  let v4 = 0;
  let v6 = 0;
  for (const r of rulesOf(region, ruleIds)) {
    if (r.peer.kind === 'cidr4') v4++;
    else if (r.peer.kind === 'cidr6') v6++;
    else if (r.peer.kind === 'group') {
      v4++;
      v6++;
    } else {
      const pl = region.prefixLists.get(r.peer.prefixListId)!;
      if (pl.addressFamily === 'IPv6') v6 += pl.maxEntries;
      else v4 += pl.maxEntries;
    }
  }
  return { v4, v6 };
}

function portsOverlap(a: NetworkAclEntry, b: NetworkAclEntry): boolean {
  if (a.protocol === -1 || b.protocol === -1) return true;
  if (a.protocol !== b.protocol) return false;
  if (!a.portRange || !b.portRange) return true;
  return a.portRange.from <= b.portRange.to && b.portRange.from <= a.portRange.to;
}

/** a deny entry numbered before an allow entry it (partly) shadows */
function shadowingDenies(region: Region): { acl: string; deny: number; allow: number }[] {
  const out: { acl: string; deny: number; allow: number }[] = [];
  for (const acl of region.networkAcls.values()) {
    const entries = acl.entries.filter((e) => e.ruleNumber <= 32766 && e.cidrBlock);
    for (const d of entries) {
      if (d.ruleAction !== 'deny') continue;
      for (const a of entries) {
        if (a.ruleAction !== 'allow' || a.egress !== d.egress || a.ruleNumber <= d.ruleNumber) continue;
        if (cidrOverlaps(parseCidr(d.cidrBlock!), parseCidr(a.cidrBlock!)) && portsOverlap(d, a)) out.push({ acl: acl.id, deny: d.ruleNumber, allow: a.ruleNumber });
      }
    }
  }
  return out;
}

/** Finds each kind of mistake in a loaded estate from its state alone. */
function findMistakes(region: Region): Record<MistakeKind, string[]> {
  const found: Record<MistakeKind, string[]> = {
    'world-admin': [], 'world-database': [], 'unused-group': [], 'nacl-no-ephemeral': [], 'stale-reference': [], 'near-quota': [], 'missing-peering-route': [],
  };
  for (const g of customGroups(region)) {
    const inbound = rulesOf(region, g.ingress);
    if (inbound.some((r) => isWorld(r) && ADMIN_PORTS.some((p) => covers(r, p, p)))) found['world-admin'].push(g.name);
    const members = [...region.groupMembers(g.id)].map((id) => region.networkInterfaces.get(id)!);
    if (members.length && members.every((e) => !e.privateIpAddresses[0].association) &&
      inbound.some((r) => isWorld(r) && DB_PORTS.some((p) => covers(r, p, p)))) found['world-database'].push(g.name);
    const referencedElsewhere = [...region.rulesReferencing(g.id)].some((id) => region.securityGroupRules.get(id)?.groupId !== g.id);
    if (members.length === 0 && !referencedElsewhere) found['unused-group'].push(g.name);
    if (weights(region, g.ingress).v4 >= region.quotas.rulesPerSecurityGroup - 2) found['near-quota'].push(g.name);
  }
  for (const acl of region.networkAcls.values()) {
    if (acl.isDefault || acl.associations.length === 0) continue;
    const ephemeral = acl.entries.some((e) => e.egress && e.ruleAction === 'allow' && e.ruleNumber <= 32766 &&
      (e.protocol === -1 || (e.protocol === 6 && e.portRange!.from <= 1024 && e.portRange!.to >= 65535)));
    if (!ephemeral) found['nacl-no-ephemeral'].push(acl.id);
  }
  const vpcOfGroup = (id: string) => region.securityGroups.get(id)!.vpcId;
  for (const p of region.vpcPeeringConnections.values()) {
    if (p.status === 'deleted') {
      for (const [from, to] of [[p.requesterVpcId, p.accepterVpcId], [p.accepterVpcId, p.requesterVpcId]]) {
        if (region.activePeeringBetween(from, to)) continue;
        const blocks = region.getVpc(to).cidrBlocks.map((b) => parseCidr(b.cidrBlock));
        for (const r of region.securityGroupRules.values()) {
          if (r.peer.kind === 'cidr4' && vpcOfGroup(r.groupId) === from && blocks.some((b) => cidrContains(b, parseCidr((r.peer as { cidr: string }).cidr)))) {
            found['stale-reference'].push(r.id);
          }
        }
      }
    }
    if (p.status === 'active') {
      for (const vpcId of [p.requesterVpcId, p.accepterVpcId]) {
        const tables = [...region.routeTables.values()].filter((t) => t.vpcId === vpcId && t.associations.some((a) => a.subnetId));
        const via = tables.filter((t) => t.routes.some((r) => r.target.kind === 'pcx' && r.target.vpcPeeringConnectionId === p.id));
        if (via.length > 0 && via.length < tables.length) found['missing-peering-route'].push(p.id);
      }
    }
  }
  return found;
}

describe('generateEstate: determinism', () => {
  it('gives the same text for the same options and seed, and a different estate for another seed', () => {
    const a = generateEstate({ enis: 400, seed: 7, vpcs: 2 });
    expect(generateEstate({ enis: 400, seed: 7, vpcs: 2 })).toBe(a);
    expect(generateEstate({ enis: 400, seed: 8, vpcs: 2 })).not.toBe(a);
    expect(generateEstate({ enis: 400, vpcs: 2 })).toBe(generateEstate({ enis: 400, vpcs: 2, seed: 1 }));
  });

  it('writes the same estate as generateEstateData returns', () => {
    const data = generateEstateData({ enis: 200, seed: 3 });
    expect(load({ enis: 200, seed: 3 }).data).toEqual(JSON.parse(JSON.stringify(data)));
  });

  it('loads to the same ids twice', () => {
    const a = load({ enis: 150, seed: 4 });
    const b = load({ enis: 150, seed: 4 });
    expect([...b.region.networkInterfaces.keys()]).toEqual([...a.region.networkInterfaces.keys()]);
    expect([...b.names.groups]).toEqual([...a.names.groups]);
  });
});

describe('generateEstate: loads at every size', () => {
  it('a small estate (50 interfaces)', () => {
    const { region } = load({ enis: 50 });
    expect(region.networkInterfaces.size).toBe(50);
    expect(region.vpcs.size).toBe(1);
    expect(customGroups(region).length).toBeGreaterThanOrEqual(10);
  });

  it('a medium estate (1,000 interfaces)', () => {
    const { region } = load({ enis: 1000 });
    expect(region.networkInterfaces.size).toBe(1000);
    const groups = customGroups(region).length;
    expect(groups).toBeGreaterThanOrEqual(240);
    expect(groups).toBeLessThanOrEqual(260);
    expect([...region.networkAcls.values()].filter((a) => !a.isDefault).length).toBe(20);
  });

  it.each<GenerateOptions>([
    { enis: 0 },
    { enis: 1 },
    { enis: 12, seed: 99 },
    { enis: 30, vpcs: 7, groups: 3, nacls: 50 },
    { enis: 200, groups: 0 },
    { enis: 300, maxRulesPerGroup: 1 },
    { enis: 300, maxRulesPerGroup: 4, ipv6: true },
    { enis: 300, maxRulesPerGroup: 500 },
    { enis: 500, vpcs: 2, mistakes: false, peering: false },
    { enis: 600, vpcs: 2, ipv6: true, seed: 5 },
    { enis: 400, vpcs: 3, nacls: 10_000 },
    { enis: 1500, vpcs: 12, ipv6: true, seed: 3 },
    { enis: 60, groups: 400, seed: 11 },
  ])('with options %j', (opts) => {
    const { region } = load(opts);
    const { summary } = generateEstateReport(opts);
    expect(region.networkInterfaces.size).toBe(summary.networkInterfaces);
    expect(summary.networkInterfaces).toBe(opts.enis);
    expect(customGroups(region).length).toBe(summary.securityGroups);
    const max = Math.min(60, opts.maxRulesPerGroup ?? 60);
    for (const g of customGroups(region)) {
      for (const dir of [g.ingress, g.egress]) {
        const w = weights(region, dir);
        expect(Math.max(w.v4, w.v6), g.name).toBeLessThanOrEqual(Math.max(max, dir === g.egress ? 1 : 0));
      }
    }
    for (const v of region.vpcs.values()) {
      expect([...region.networkAcls.values()].filter((a) => a.vpcId === v.id).length).toBeLessThanOrEqual(200);
    }
  });
});

describe('generateEstate: a large estate (10,000 interfaces, 2,500 groups, 200 NACLs)', () => {
  const opts: GenerateOptions = { enis: 10_000, groups: 2500, nacls: 200 };
  let loaded: LoadedScenario;
  let report: ReturnType<typeof generateEstateReport>;

  beforeAll(() => {
    let t = performance.now();
    const text = generateEstate(opts);
    const generated = performance.now() - t;
    t = performance.now();
    loaded = loadScenario(text, 'estate.yaml');
    const loadedIn = performance.now() - t;
    report = generateEstateReport(opts);
    const s = report.summary;
    console.log(
      `10,000-interface estate: generated in ${(generated / 1000).toFixed(2)} s (${(text.length / 1e6).toFixed(1)} MB), loaded in ${(loadedIn / 1000).toFixed(2)} s: ` +
        `${s.networkInterfaces} ENIs (${s.instances} instances, ${s.interfaces} interfaces, ${s.resources} resources), ${s.securityGroups} groups, ` +
        `${s.rules} declared rules (${loaded.region.securityGroupRules.size} in the Region), ${s.networkAcls} custom NACLs, ${s.subnets} subnets, ${s.vpcs} VPCs`,
    );
    expect(loadedIn).toBeLessThan(30_000);
  }, 120_000);

  it('is close to the request', () => {
    const { region } = loaded;
    const enis = region.networkInterfaces.size;
    expect(enis).toBeGreaterThanOrEqual(9500);
    expect(enis).toBeLessThanOrEqual(10_500);
    const groups = customGroups(region).length;
    expect(groups).toBeLessThanOrEqual(2500);
    expect(groups).toBeGreaterThanOrEqual(2400);
    expect([...region.networkAcls.values()].filter((a) => !a.isDefault).length).toBeGreaterThanOrEqual(150);
    expect(region.vpcs.size).toBe(4);
  });

  it('keeps every group within 60 rules per direction and family', () => {
    const { region } = loaded;
    for (const g of region.securityGroups.values()) {
      for (const dir of [g.ingress, g.egress]) {
        const w = weights(region, dir);
        expect(Math.max(w.v4, w.v6), g.name).toBeLessThanOrEqual(60);
      }
    }
  });

  it('carries every service port family, group references within and across VPCs, and prefix lists', () => {
    const { region } = loaded;
    const inbound = [...region.securityGroupRules.values()].filter((r) => !r.isEgress);
    for (const [label, lo, hi] of FAMILIES) {
      expect(inbound.some((r) => r.protocol === 6 && r.fromPort <= lo && r.toPort >= hi && !isWorld(r)), label).toBe(true);
    }
    const refs = inbound.filter((r) => r.peer.kind === 'group');
    expect(refs.length).toBeGreaterThan(2500);
    expect(refs.some((r) => r.peer.kind === 'group' && r.peer.vpcPeeringConnectionId)).toBe(true);
    expect(inbound.some((r) => r.peer.kind === 'prefixList')).toBe(true);
    // the tiers reference each other: lb -> web -> app -> db
    const names = loaded.names;
    const app = [...names.groups.keys()].find((k) => k.endsWith('-web') && names.groups.has(k.replace(/-web$/, '-app')) && names.groups.has(k.replace(/-web$/, '-lb')))!;
    const idOf = (k: string) => names.groups.get(k)!;
    const refersTo = (k: string, target: string) =>
      rulesOf(region, region.getGroup(idOf(k)).ingress).some((r) => r.peer.kind === 'group' && r.peer.groupId === idOf(target));
    expect(refersTo(app, app.replace(/-web$/, '-lb'))).toBe(true);
    expect(refersTo(app.replace(/-web$/, '-app'), app)).toBe(true);
  });

  it('has tiers, service resources, public addresses, routes, peerings and order-dependent NACLs', () => {
    const { region } = loaded;
    const kinds = new Set([...region.services.values()].map((s) => s.kind));
    for (const k of ['alb', 'nlb', 'rds', 'elasticache', 'lambda', 'vpc-endpoint']) expect(kinds.has(k as never), k).toBe(true);
    expect([...region.services.values()].some((s) => s.internetFacing)).toBe(true);
    expect([...region.networkInterfaces.values()].some((e) => e.attachment && e.privateIpAddresses[0].association)).toBe(true);
    expect(region.instances.size).toBeGreaterThan(5000);
    // AZs, and subnets on the default ACL as well as custom ones
    expect(new Set([...region.subnets.values()].map((s) => s.availabilityZone)).size).toBeGreaterThanOrEqual(2);
    const onDefault = [...region.networkAcls.values()].filter((a) => a.isDefault).reduce((t, a) => t + a.associations.length, 0);
    expect(onDefault).toBeGreaterThan(0);
    // internet routes in public tables; peering routes both ways
    expect([...region.routeTables.values()].some((t) => t.routes.some((r) => r.target.kind === 'igw' && r.destinationCidrBlock === '0.0.0.0/0'))).toBe(true);
    const active = [...region.vpcPeeringConnections.values()].filter((p) => p.status === 'active');
    expect(active.length).toBeGreaterThanOrEqual(3);
    for (const p of active) {
      for (const vpcId of [p.requesterVpcId, p.accepterVpcId]) {
        const routed = [...region.routeTables.values()].some((t) => t.vpcId === vpcId && t.routes.some((r) => r.target.kind === 'pcx' && r.target.vpcPeeringConnectionId === p.id));
        expect(routed, `${p.id} from ${vpcId}`).toBe(true);
      }
    }
    // NACLs: denies numbered before the allows they shadow, and ephemeral return rules
    expect(shadowingDenies(region).length).toBeGreaterThan(0);
    expect([...region.networkAcls.values()].some((a) => a.entries.some((e) => e.egress && e.ruleAction === 'allow' && e.portRange?.from === 1024 && e.portRange.to === 65535))).toBe(true);
  });

  it('carries at least one of each mistake, as the report lists them', () => {
    const found = findMistakes(loaded.region);
    const listed = new Set(report.summary.mistakes.map((m) => m.kind));
    for (const [kind, where] of Object.entries(found)) {
      expect(where.length, kind).toBeGreaterThan(0);
      expect(listed.has(kind as MistakeKind), kind).toBe(true);
    }
    // "a few percent"
    expect(found['world-admin'].length).toBeLessThan(0.05 * customGroups(loaded.region).length);
  });
});

describe('generateEstate: mistakes', () => {
  it('a medium three-VPC estate carries each mistake', () => {
    const opts = { enis: 1000, vpcs: 3, seed: 2 };
    const found = findMistakes(load(opts).region);
    for (const [kind, where] of Object.entries(found)) expect(where.length, kind).toBeGreaterThan(0);
    const kinds = new Set(generateEstateReport(opts).summary.mistakes.map((m) => m.kind));
    expect(kinds.size).toBe(7);
  });

  it('without mistakes nothing opens admin or database ports to the world', () => {
    for (const opts of [{ enis: 1000, vpcs: 3, mistakes: false }, { enis: 300, seed: 9, ipv6: true, mistakes: false }]) {
      const { region } = load(opts);
      const found = findMistakes(region);
      expect(found['world-admin']).toEqual([]);
      expect(found['world-database']).toEqual([]);
      expect(found['unused-group']).toEqual([]);
      expect(found['nacl-no-ephemeral']).toEqual([]);
      expect(found['stale-reference']).toEqual([]);
      expect(found['missing-peering-route']).toEqual([]);
      expect(generateEstateReport(opts).summary.mistakes).toEqual([]);
      expect([...region.vpcPeeringConnections.values()].every((p) => p.status === 'active')).toBe(true);
    }
  });
});
