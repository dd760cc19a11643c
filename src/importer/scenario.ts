// A Region written as a scenario file (README "Scenario files"), which loads back to the same network: the
// same VPCs, subnets, groups and rules, ACL entries and associations, routes, interfaces and addresses.
// Scenarios name things instead of holding ids, so ids are generated again on load (from the file's seed), and
// whatever the format cannot say is listed in the file's header comment and returned as notes.
import { stringify } from 'yaml';
import { protocolName, PROTO_ALL, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP } from '../net/index.js';
import { CONNTRACK_TIMEOUTS, type Quotas } from '../model/quotas.js';
import type { NetworkAclEntry, NetworkInterface, SecurityGroupRule, Tag } from '../model/types.js';
import type { Region } from '../state/region.js';

export interface ScenarioOutput {
  yaml: string;
  /** what the scenario format cannot carry */
  notes: string[];
}

type O = Record<string, unknown>;

const clean = (s: string) => s.replace(/[/:\s]+/g, '-').replace(/^-+|-+$/g, '') || 'unnamed';

function tagMap(tags: Tag[], notes: string[], what: string): O | undefined {
  const out: O = {};
  for (const t of tags) {
    if (t.key === 'Name') continue;
    if (t.key.toLowerCase().startsWith('aws:')) {
      notes.push(`${what}: tag ${t.key} left out (scenario tags go through CreateTags, which refuses AWS's reserved aws: prefix)`);
      continue;
    }
    out[t.key] = t.value;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Unique names: the Name tag where there is one, else the id; a repeated name gets the id added. */
class Namer {
  private readonly used = new Set<string>();
  readonly byId = new Map<string, string>();
  name(id: string, preferred: string | undefined): string {
    let n = preferred ? clean(preferred) : id;
    if (this.used.has(n)) n = `${n}-${id}`;
    this.used.add(n);
    this.byId.set(id, n);
    return n;
  }
  reserve(n: string): void {
    this.used.add(n);
  }
}

const nameTag = (tags: Tag[]) => tags.find((t) => t.key === 'Name')?.value;

function portsOf(from: number, to: number): string | number {
  return from === to ? from : `${from}-${to}`;
}

export function regionToScenario(region: Region, opts: { quotas?: Partial<Quotas>; description?: string } = {}): ScenarioOutput {
  const notes: string[] = [];
  const doc: O = {
    description: opts.description ?? `imported from account ${region.accountId}, ${region.name}`,
    account: region.accountId,
    region: region.name,
    ...(opts.quotas && Object.keys(opts.quotas).length ? { quotas: opts.quotas } : {}),
  };
  if (region.defaultVpc()) doc.defaultVpc = false;

  // prefix lists
  const pls = new Namer();
  const prefixLists: O = {};
  for (const p of region.prefixLists.values()) {
    const n = pls.name(p.id, p.name);
    prefixLists[n] = { family: p.addressFamily, maxEntries: p.maxEntries, entries: p.entries.map((e) => (e.description ? { cidr: e.cidr, description: e.description } : e.cidr)), ...(p.awsManaged ? { awsManaged: true } : {}) };
  }
  if (Object.keys(prefixLists).length) doc.prefixLists = prefixLists;

  const vpcNames = new Namer();
  for (const v of region.vpcs.values()) vpcNames.name(v.id, nameTag(v.tags));
  const subnetNames = new Namer();
  for (const s of region.subnets.values()) subnetNames.name(s.id, nameTag(s.tags));
  const peerNames = new Namer();
  for (const p of region.vpcPeeringConnections.values()) peerNames.name(p.id, nameTag(p.tags));
  const endpointNames = new Namer();
  const eniName = new Map<string, { kind: 'instance' | 'interface' | 'resource'; name: string }>();
  for (const i of region.instances.values()) {
    if (i.state === 'terminated') continue;
    const n = endpointNames.name(i.id, nameTag(i.tags));
    if (i.networkInterfaceIds[0]) eniName.set(i.networkInterfaceIds[0], { kind: 'instance', name: n });
  }
  for (const s of region.services.values()) {
    const n = endpointNames.name(s.id, s.name);
    for (const id of s.networkInterfaceIds) eniName.set(id, { kind: 'resource', name: n });
  }
  for (const e of region.networkInterfaces.values()) if (!eniName.has(e.id)) eniName.set(e.id, { kind: 'interface', name: endpointNames.name(e.id, nameTag(e.tags) ?? (e.description ? undefined : undefined)) });

  const groupRef = (r: SecurityGroupRule, ownVpc: string): string | undefined => {
    if (r.peer.kind === 'cidr4' || r.peer.kind === 'cidr6') return r.peer.cidr;
    if (r.peer.kind === 'prefixList') return `pl:${pls.byId.get(r.peer.prefixListId) ?? r.peer.prefixListId}`;
    const g = region.securityGroups.get(r.peer.groupId);
    if (!g) return undefined;
    if (g.vpcId === ownVpc) return g.name;
    return region.activePeeringBetween(g.vpcId, ownVpc) ? `${vpcNames.byId.get(g.vpcId)}/${g.name}` : undefined;
  };
  const ruleOut = (r: SecurityGroupRule, vpcId: string, where: string): O | undefined => {
    const peer = groupRef(r, vpcId);
    if (peer === undefined) {
      notes.push(`${where}: rule ${r.id} left out: its stale reference to ${r.peer.kind === 'group' ? r.peer.groupId : ''} cannot be declared in a scenario`);
      return undefined;
    }
    const o: O = { protocol: r.protocol === PROTO_ALL ? 'all' : protocolName(r.protocol) };
    if (r.protocol === PROTO_TCP || r.protocol === PROTO_UDP) o.ports = r.fromPort === 0 && r.toPort === 65535 ? 'all' : portsOf(r.fromPort, r.toPort);
    else if ((r.protocol === PROTO_ICMP || r.protocol === PROTO_ICMPV6) && r.fromPort !== -1) {
      o.type = r.fromPort;
      if (r.toPort !== -1) o.code = r.toPort;
    }
    o[r.isEgress ? 'to' : 'from'] = peer;
    if (r.description !== undefined) o.description = r.description;
    if (r.tags.length) notes.push(`${where}: the tags of rule ${r.id} left out (scenario rules have no tags)`);
    return o;
  };
  const entryOut = (e: NetworkAclEntry): O => {
    const o: O = { rule: e.ruleNumber, protocol: e.protocol === PROTO_ALL ? 'all' : protocolName(e.protocol) };
    if (e.portRange) o.ports = e.portRange.from === 0 && e.portRange.to === 65535 ? 'all' : portsOf(e.portRange.from, e.portRange.to);
    if (e.icmpTypeCode && e.icmpTypeCode.type !== -1) {
      o.type = e.icmpTypeCode.type;
      if (e.icmpTypeCode.code !== -1) o.code = e.icmpTypeCode.code;
    }
    o.cidr = e.cidrBlock ?? e.ipv6CidrBlock;
    o.action = e.ruleAction;
    return o;
  };

  const vpcs: O = {};
  for (const v of region.vpcs.values()) {
    const vn = vpcNames.byId.get(v.id)!;
    const hasV6 = v.ipv6CidrBlocks.length > 0;
    const o: O = { cidr: v.cidrBlocks[0].cidrBlock };
    if (v.cidrBlocks.length > 1) o.secondaryCidrs = v.cidrBlocks.slice(1).map((b) => b.cidrBlock);
    if (hasV6) o.ipv6 = v.ipv6CidrBlocks[0].ipv6CidrBlock;
    if (v.ipv6CidrBlocks.length > 1) notes.push(`VPC ${vn}: IPv6 blocks after the first left out`);
    if (v.ownerId !== region.accountId) o.owner = v.ownerId;
    if (v.isDefault) notes.push(`VPC ${vn}: was the default VPC; a scenario declares it as an ordinary VPC`);
    const igw = region.attachedInternetGateway(v.id);
    if (igw) o.internetGateway = nameTag(igw.tags) ?? true;
    const t = tagMap(v.tags, notes, `VPC ${vn}`);
    if (t) o.tags = t;

    // route tables and ACLs first: subnets name them
    const aclNames = new Namer();
    aclNames.reserve('default');
    const acls: O = {};
    for (const a of region.networkAcls.values()) {
      if (a.vpcId !== v.id) continue;
      const n = a.isDefault ? 'default' : aclNames.name(a.id, nameTag(a.tags));
      aclNames.byId.set(a.id, n);
      const mine = a.entries.filter((e) => e.ruleNumber <= 32766);
      const isAwsDefault = a.isDefault && mine.length === (hasV6 ? 4 : 2) && mine.every((e) => e.protocol === PROTO_ALL && e.ruleAction === 'allow' && ((e.ruleNumber === 100 && e.cidrBlock === '0.0.0.0/0') || (e.ruleNumber === 101 && e.ipv6CidrBlock === '::/0')));
      const ao: O = {};
      if (!isAwsDefault) {
        ao.inbound = mine.filter((e) => !e.egress).map(entryOut);
        ao.outbound = mine.filter((e) => e.egress).map(entryOut);
      }
      const at = tagMap(a.tags, notes, `network ACL ${n}`);
      if (at && !a.isDefault) ao.tags = at;
      if (!a.isDefault || !isAwsDefault) acls[n] = ao;
    }
    if (Object.keys(acls).length) o.networkAcls = acls;

    const rtbNames = new Namer();
    rtbNames.reserve('main');
    const rtbs: O = {};
    for (const r of region.routeTables.values()) {
      if (r.vpcId !== v.id) continue;
      const main = r.associations.some((a) => a.main);
      const n = main ? 'main' : rtbNames.name(r.id, nameTag(r.tags));
      rtbNames.byId.set(r.id, n);
      const routes: O[] = [];
      for (const rt of r.routes) {
        if (rt.target.kind === 'local') continue;
        const destination = rt.destinationCidrBlock ?? rt.destinationIpv6CidrBlock ?? `pl:${pls.byId.get(rt.destinationPrefixListId!) ?? rt.destinationPrefixListId}`;
        let target: string | undefined;
        switch (rt.target.kind) {
          case 'igw':
            target = igw?.id === rt.target.gatewayId ? 'igw' : undefined;
            break;
          case 'pcx': {
            const p = region.vpcPeeringConnections.get(rt.target.vpcPeeringConnectionId);
            target = p ? `peering:${peerNames.byId.get(p.id)}` : undefined;
            break;
          }
          case 'eni': {
            const en = eniName.get(rt.target.networkInterfaceId);
            target = en && en.kind !== 'resource' ? `${en.kind}:${en.name}` : undefined;
            break;
          }
          case 'instance': {
            const inst = region.instances.get(rt.target.instanceId);
            const en = inst ? eniName.get(inst.networkInterfaceIds[0]) : undefined;
            target = en ? `instance:${en.name}` : undefined;
            break;
          }
          case 'nat':
            target = endpointNames.byId.has(rt.target.natGatewayId) ? `nat:${endpointNames.byId.get(rt.target.natGatewayId)}` : undefined;
            break;
          case 'other':
            target = undefined;
        }
        if (target === undefined) {
          notes.push(`route table ${vn}/${n}: route to ${destination} via ${rt.target.kind === 'other' ? rt.target.targetId : rt.target.kind} left out (no scenario target for it)`);
          continue;
        }
        routes.push({ destination, target });
      }
      const ro: O = {};
      if (routes.length) ro.routes = routes;
      if (!main || routes.length) rtbs[n] = ro;
    }
    if (Object.keys(rtbs).length) o.routeTables = rtbs;

    const subnets: O = {};
    for (const s of region.subnets.values()) {
      if (s.vpcId !== v.id) continue;
      const sn = subnetNames.byId.get(s.id)!;
      const so: O = { cidr: s.cidrBlock, az: s.availabilityZone };
      if (s.ipv6CidrBlocks.length) so.ipv6Cidr = s.ipv6CidrBlocks[0].ipv6CidrBlock;
      if (s.mapPublicIpOnLaunch) so.public = true;
      if (s.assignIpv6AddressOnCreation) notes.push(`subnet ${sn}: AssignIpv6AddressOnCreation cannot be declared`);
      const rt = [...region.routeTables.values()].find((r) => r.associations.some((a) => a.subnetId === s.id));
      if (rt) so.routeTable = rtbNames.byId.get(rt.id);
      const acl = region.subnetNetworkAcl(s.id);
      if (!acl.isDefault) so.networkAcl = aclNames.byId.get(acl.id);
      const st = tagMap(s.tags, notes, `subnet ${sn}`);
      if (st) so.tags = st;
      subnets[sn] = so;
    }
    if (Object.keys(subnets).length) o.subnets = subnets;

    const groups: O = {};
    for (const g of region.securityGroups.values()) {
      if (g.vpcId !== v.id) continue;
      const where = `group ${vn}/${g.name}`;
      const ingress = g.ingress.map((id) => region.securityGroupRules.get(id)!);
      const egress = g.egress.map((id) => region.securityGroupRules.get(id)!);
      const go: O = {};
      if (g.name !== 'default') go.description = g.description;
      let inbound = ingress;
      if (g.name === 'default') {
        // CreateVpc gives the default group its inbound all-from-itself rule, which a scenario cannot remove
        const self = ingress.find((r) => r.protocol === PROTO_ALL && r.peer.kind === 'group' && r.peer.groupId === g.id);
        if (!self) notes.push(`${where}: has no inbound all-from-itself rule; a scenario cannot remove the one AWS gives every default group`);
        inbound = ingress.filter((r) => r !== self);
        if (g.description !== 'default VPC security group') notes.push(`${where}: description left out`);
      }
      const defaultEgress = (g.name === 'default' && hasV6) ? ['0.0.0.0/0', '::/0'] : ['0.0.0.0/0'];
      const egressIsDefault = egress.length === defaultEgress.length && egress.every((r) => r.protocol === PROTO_ALL && (r.peer.kind === 'cidr4' || r.peer.kind === 'cidr6') && defaultEgress.includes(r.peer.cidr) && r.description === undefined);
      const inb = inbound.map((r) => ruleOut(r, v.id, where)).filter((x): x is O => x !== undefined);
      if (inb.length) go.inbound = inb;
      if (!egressIsDefault) go.outbound = egress.map((r) => ruleOut(r, v.id, where)).filter((x): x is O => x !== undefined);
      const gt = tagMap(g.tags, notes, where);
      if (gt) go.tags = gt;
      if (g.name !== 'default' || Object.keys(go).length) groups[g.name] = go;
    }
    if (Object.keys(groups).length) o.securityGroups = groups;
    vpcs[vn] = o;
  }
  if (Object.keys(vpcs).length) doc.vpcs = vpcs;

  const peerings: O = {};
  for (const p of region.vpcPeeringConnections.values()) {
    const n = peerNames.byId.get(p.id)!;
    if (!['active', 'pending-acceptance', 'rejected', 'deleted'].includes(p.status)) {
      notes.push(`peering ${n} (${p.status}) left out: a scenario declares active, pending-acceptance, rejected or deleted peerings`);
      continue;
    }
    peerings[n] = { requester: vpcNames.byId.get(p.requesterVpcId), accepter: vpcNames.byId.get(p.accepterVpcId), status: p.status };
  }
  if (Object.keys(peerings).length) doc.peerings = peerings;

  const groupNames = (e: NetworkInterface) => e.groups.map((g) => region.securityGroups.get(g)?.name ?? g);
  const endpointOf = (e: NetworkInterface, where: string): O => {
    const o: O = { subnet: subnetNames.byId.get(e.subnetId), groups: groupNames(e) };
    const primary = e.privateIpAddresses.find((p) => p.primary) ?? e.privateIpAddresses[0];
    o.privateIp = primary.privateIpAddress;
    const secondary = e.privateIpAddresses.length - 1;
    if (secondary > 0) {
      o.secondaryIps = secondary;
      notes.push(`${where}: ${secondary} secondary address${secondary > 1 ? 'es' : ''} declared by count: their values are chosen again on load`);
    }
    if (e.ipv6Addresses.length) {
      o.ipv6 = e.ipv6Addresses.length;
      notes.push(`${where}: IPv6 addresses declared by count: their values are chosen again on load`);
    }
    if (primary.association) {
      if (primary.association.allocationId) o.elasticIp = true;
      else o.publicIp = true;
      notes.push(`${where}: its public address (${primary.association.allocationId ? 'an Elastic IP' : 'auto-assigned'}) is allocated again on load`);
    } else if (region.subnets.get(e.subnetId)?.mapPublicIpOnLaunch) {
      // Fix (round-trip test): an instance without a public address in a subnet that maps one on launch got one
      // when the file was loaded again (the subnet's default applies when publicIp is left out)
      o.publicIp = false;
    }
    if (!e.sourceDestCheck) o.sourceDestCheck = false;
    const ct = e.connectionTracking;
    if (ct.tcpEstablishedTimeout !== CONNTRACK_TIMEOUTS.tcpEstablished.default || ct.udpStreamTimeout !== CONNTRACK_TIMEOUTS.udpStream.default || ct.udpTimeout !== CONNTRACK_TIMEOUTS.udp.default) o.connectionTracking = { ...ct };
    if (e.groups.length === 0) notes.push(`${where}: has no security groups; declared, it gets the VPC's default group`);
    return o;
  };

  const instances: O = {};
  const interfaces: O = {};
  for (const i of region.instances.values()) {
    if (i.state === 'terminated') continue;
    const n = endpointNames.byId.get(i.id)!;
    const eni = region.networkInterfaces.get(i.networkInterfaceIds[0]);
    if (!eni) continue;
    const o = endpointOf(eni, `instance ${n}`);
    if (i.instanceType !== 't3.micro') o.type = i.instanceType;
    const t = tagMap(i.tags, notes, `instance ${n}`);
    if (t) o.tags = t;
    instances[n] = o;
    if (i.networkInterfaceIds.length > 1) notes.push(`instance ${n}: its other interfaces are declared standalone (a scenario does not attach interfaces)`);
  }
  for (const e of region.networkInterfaces.values()) {
    const en = eniName.get(e.id)!;
    if (en.kind !== 'interface') continue;
    const o = endpointOf(e, `interface ${en.name}`);
    if (e.description) o.description = e.description;
    if (e.requesterManaged) notes.push(`interface ${en.name}: requester-managed (${e.requesterId ?? e.interfaceType}) declared as an ordinary interface`);
    const t = tagMap(e.tags, notes, `interface ${en.name}`);
    if (t) o.tags = t;
    interfaces[en.name] = o;
  }
  if (Object.keys(instances).length) doc.instances = instances;
  if (Object.keys(interfaces).length) doc.interfaces = interfaces;

  const resources: O = {};
  for (const s of region.services.values()) {
    const n = endpointNames.byId.get(s.id)!;
    const enis = s.networkInterfaceIds.map((id) => region.networkInterfaces.get(id)).filter((e): e is NetworkInterface => e !== undefined);
    const o: O = { type: s.kind, subnets: s.subnetIds.map((id) => subnetNames.byId.get(id)) };
    if (s.groups.length) o.groups = s.groups.map((g) => region.securityGroups.get(g)?.name ?? g);
    if (s.internetFacing) o.internetFacing = true;
    o.privateIps = enis.map((e) => e.privateIpAddresses[0].privateIpAddress);
    const t = tagMap(s.tags, notes, `resource ${n}`);
    if (t) o.tags = t;
    resources[n] = o;
  }
  if (Object.keys(resources).length) doc.resources = resources;

  const header = [
    `# rampart scenario written by \`rampart import\` from account ${region.accountId}, ${region.name}.`,
    '# Loading it builds the same network; ids are generated again (scenarios name resources, they do not hold ids).',
    ...(notes.length ? ['# Not carried by the scenario format:', ...groupNotes(notes).map((n) => `#   - ${n}`)] : []),
  ].join('\n');
  return { yaml: `${header}\n${stringify(doc, { lineWidth: 0 })}`, notes };
}

/** Notes of the same kind on one line: `instance web-1, web-2 and 40 more: IPv6 addresses declared by count…`. */
function groupNotes(notes: string[]): string[] {
  const byTail = new Map<string, string[]>();
  for (const n of notes) {
    const i = n.indexOf(': ');
    const subject = i < 0 ? '' : n.slice(0, i);
    const tail = (i < 0 ? n : n.slice(i + 2)).replace(/\b(\d{1,3}\.){3}\d{1,3}\b/g, 'its address');
    const l = byTail.get(tail) ?? [];
    l.push(subject);
    byTail.set(tail, l);
  }
  return [...byTail].map(([tail, subjects]) => {
    const shown = subjects.slice(0, 3).join(', ');
    return `${shown}${subjects.length > 3 ? ` and ${subjects.length - 3} more` : ''}: ${tail}`;
  });
}
