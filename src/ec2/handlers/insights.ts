// VPC Reachability Analyzer, answered by the packet engine: a path names a source and a destination (instances,
// network interfaces, internet gateways), an analysis runs `probe` on it at once and keeps the result as AWS
// shows it: NetworkPathFound, the components of the forward and return paths with the rules that let the
// traffic through, and explanations with Reachability Analyzer's codes for what blocks it.
import { chooseAddresses, familyOf, probe, type ProbeEndpoint, type ProbeResult } from '../../engine/probe.js';
import { Reachability, type FlowEndpoint } from '../../analysis/reach.js';
import { NumberSet } from '../../net/intervals.js';
import type { Explanation, Hop } from '../../engine/engine.js';
import { AwsError, Errors, type ErrorCode } from '../../model/errors.js';
import { arn } from '../../model/ids.js';
import type { NetworkAclEntry, Route, SecurityGroupRule, Tag } from '../../model/types.js';
import { protocolName, tryParseIp } from '../../net/index.js';
import type { Region } from '../../state/region.js';
import { mutating, reading, type Ec2Context, type Ec2Input, type HandlerFamily } from '../context.js';
import { applyFilters, byIds, paginate, tagSpecifications, tagsOut } from '../describe.js';
import { registerTaggable } from './interfaces.js';

function awsError(code: string, message: string): AwsError {
  return new AwsError(code as ErrorCode, message);
}

interface PortRangeIn {
  FromPort?: number;
  ToPort?: number;
}
interface PathFilterIn {
  SourceAddress?: string;
  SourcePortRange?: PortRangeIn;
  DestinationAddress?: string;
  DestinationPortRange?: PortRangeIn;
}

interface StoredPath {
  id: string;
  arn: string;
  createdDate: string;
  source: string;
  destination?: string;
  sourceArn: string;
  destinationArn?: string;
  sourceIp?: string;
  destinationIp?: string;
  protocol: 'tcp' | 'udp';
  destinationPort?: number;
  filterAtSource?: PathFilterIn;
  filterAtDestination?: PathFilterIn;
  tags: Tag[];
}

type Component = { Id: string; Arn?: string };

interface StoredAnalysis {
  id: string;
  arn: string;
  pathId: string;
  startDate: string;
  status: 'succeeded' | 'failed';
  statusMessage?: string;
  networkPathFound?: boolean;
  forward?: Record<string, unknown>[];
  ret?: Record<string, unknown>[];
  explanations?: Record<string, unknown>[];
  filterInArns: string[];
  filterOutArns: string[];
  additionalAccounts: string[];
  tags: Tag[];
}

interface InsightsState {
  paths: Map<string, StoredPath>;
  analyses: Map<string, StoredAnalysis>;
}
const states = new WeakMap<Region, InsightsState>();
function state(region: Region): InsightsState {
  let s = states.get(region);
  if (!s) states.set(region, (s = { paths: new Map(), analyses: new Map() }));
  return s;
}

registerTaggable({ resourceType: 'network-insights-path', find: (r, id) => state(r).paths.get(id), all: (r) => [...state(r).paths.values()] });
registerTaggable({ resourceType: 'network-insights-analysis', find: (r, id) => state(r).analyses.get(id), all: (r) => [...state(r).analyses.values()] });

const pathNotFound = (id: string) => awsError('InvalidNetworkInsightsPathId.NotFound', `The NetworkInsightsPath ID '${id}' does not exist`);
const analysisNotFound = (id: string) => awsError('InvalidNetworkInsightsAnalysisId.NotFound', `The NetworkInsightsAnalysis ID '${id}' does not exist`);

// ------------------------------------------------------------------ components

const ARN_TYPES: Record<string, string> = {
  i: 'instance', eni: 'network-interface', sg: 'security-group', acl: 'network-acl', rtb: 'route-table', igw: 'internet-gateway',
  pcx: 'vpc-peering-connection', vpc: 'vpc', subnet: 'subnet', pl: 'prefix-list', sgr: 'security-group-rule', nat: 'natgateway', vpce: 'vpc-endpoint',
};

function component(region: Region, id: string): Component {
  const prefix = /^([a-z]+)-/.exec(id)?.[1];
  const type = prefix ? ARN_TYPES[prefix] : undefined;
  return type ? { Id: id, Arn: arn(region.name, region.accountId, type, id) } : { Id: id };
}

function sgRuleOut(rule: SecurityGroupRule) {
  const p = rule.peer;
  const ports = (rule.protocol === 6 || rule.protocol === 17) && rule.fromPort !== -1;
  return {
    Cidr: p.kind === 'cidr4' || p.kind === 'cidr6' ? p.cidr : undefined,
    Direction: rule.isEgress ? 'egress' : 'ingress',
    // the peer group of a rule that references one; the component names the group the rule belongs to
    SecurityGroupId: p.kind === 'group' ? p.groupId : undefined,
    PortRange: ports ? { From: rule.fromPort, To: rule.toPort } : undefined,
    PrefixListId: p.kind === 'prefixList' ? p.prefixListId : undefined,
    Protocol: rule.protocol === -1 ? 'all' : protocolName(rule.protocol),
  };
}

function aclRuleOut(e: NetworkAclEntry) {
  return {
    Cidr: e.cidrBlock ?? e.ipv6CidrBlock,
    Egress: e.egress,
    PortRange: e.portRange ? { From: e.portRange.from, To: e.portRange.to } : undefined,
    Protocol: e.protocol === -1 ? 'all' : protocolName(e.protocol),
    RuleAction: e.ruleAction,
    RuleNumber: e.ruleNumber,
  };
}

function routeOut(region: Region, r: Route) {
  const t = r.target;
  let state = 'active';
  if (t.kind === 'pcx' && region.vpcPeeringConnections.get(t.vpcPeeringConnectionId)?.status !== 'active') state = 'blackhole';
  if (t.kind === 'igw' && !region.internetGateways.get(t.gatewayId)?.attachments.length) state = 'blackhole';
  return {
    DestinationCidr: r.destinationCidrBlock ?? r.destinationIpv6CidrBlock,
    DestinationPrefixListId: r.destinationPrefixListId,
    GatewayId: t.kind === 'local' ? 'local' : t.kind === 'igw' ? t.gatewayId : undefined,
    InstanceId: t.kind === 'instance' ? t.instanceId : undefined,
    NatGatewayId: t.kind === 'nat' ? t.natGatewayId : undefined,
    NetworkInterfaceId: t.kind === 'eni' ? t.networkInterfaceId : undefined,
    Origin: r.origin,
    VpcPeeringConnectionId: t.kind === 'pcx' ? t.vpcPeeringConnectionId : undefined,
    State: state,
  };
}

/** The components an endpoint contributes: an instance and its interface, an interface, or an internet gateway. */
function endpointComponents(region: Region, id: string, eniId: string | undefined): Record<string, unknown>[] {
  if (id.startsWith('igw-')) {
    const vpc = region.internetGateways.get(id)?.attachments[0]?.vpcId;
    return [{ Component: component(region, id), ...(vpc ? { Vpc: component(region, vpc) } : {}) }];
  }
  const eni = eniId ? region.networkInterfaces.get(eniId) : undefined;
  if (!eni) return [{ Component: component(region, id) }];
  const ctx = { Subnet: component(region, eni.subnetId), Vpc: component(region, eni.vpcId) };
  if (id.startsWith('i-')) return [{ Component: component(region, id), ...ctx }, { Component: component(region, eni.id), AttachedTo: component(region, id), ...ctx }];
  return [{ Component: component(region, eni.id), ...(eni.attachment?.instanceId ? { AttachedTo: component(region, eni.attachment.instanceId) } : {}), ...ctx }];
}

function hopComponents(region: Region, h: Hop): Record<string, unknown>[] {
  switch (h.kind) {
    case 'security-groups': {
      if (!h.allowed || !h.rules?.length) return [];
      const eni = region.networkInterfaces.get(h.resourceId);
      const firstByGroup = new Map<string, SecurityGroupRule>();
      for (const r of h.rules) if (!firstByGroup.has(r.groupId)) firstByGroup.set(r.groupId, r);
      return [...firstByGroup].map(([g, r]) => ({
        Component: component(region, g), SecurityGroupRule: sgRuleOut(r),
        ...(eni ? { Subnet: component(region, eni.subnetId), Vpc: component(region, eni.vpcId) } : {}),
      }));
    }
    case 'network-acl': {
      if (!h.aclEntry) return [];
      const subnet = h.subnetId ? region.subnets.get(h.subnetId) : undefined;
      return [{ Component: component(region, h.resourceId), AclRule: aclRuleOut(h.aclEntry), ...(subnet ? { Subnet: component(region, subnet.id), Vpc: component(region, subnet.vpcId) } : {}) }];
    }
    case 'route': {
      if (!h.route) return [];
      const vpc = region.routeTables.get(h.resourceId)?.vpcId;
      return [{ Component: component(region, h.resourceId), RouteTableRoute: routeOut(region, h.route), ...(vpc ? { Vpc: component(region, vpc) } : {}) }];
    }
    case 'peering':
      return h.allowed ? [{ Component: component(region, h.resourceId) }] : [];
    case 'internet-gateway':
      return h.allowed && h.resourceId.startsWith('igw-') ? [{ Component: component(region, h.resourceId) }] : [];
    default:
      return [];
  }
}

/** Numbered path components, with a component that repeats its neighbour (an internet gateway) shown once. */
function sequence(parts: Record<string, unknown>[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    const id = (p.Component as Component | undefined)?.Id;
    if (prev && id && (prev.Component as Component | undefined)?.Id === id && !p.SecurityGroupRule && !p.AclRule && !p.RouteTableRoute) continue;
    out.push({ SequenceNumber: out.length + 1, ...p });
  }
  return out;
}

function explanationOut(region: Region, e: Explanation, hops: Hop[], path: StoredPath, dstEniId: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ExplanationCode: e.code, ...(e.direction ? { Direction: e.direction } : {}) };
  const id = e.resourceId;
  switch (e.code) {
    case 'ENI_SG_RULES_MISMATCH':
    case 'CONNTRACK_ALLOWANCE_EXCEEDED': {
      const eni = region.networkInterfaces.get(id);
      out.Component = component(region, id);
      out.NetworkInterface = component(region, id);
      if (eni) {
        out.SecurityGroups = eni.groups.map((g) => ({ ...component(region, g), Name: region.securityGroups.get(g)?.name }));
        if (eni.groups.length === 1) out.SecurityGroup = component(region, eni.groups[0]);
        out.Subnet = component(region, eni.subnetId);
        out.Vpc = component(region, eni.vpcId);
        if (eni.attachment?.instanceId) out.AttachedTo = component(region, eni.attachment.instanceId);
      }
      break;
    }
    case 'SUBNET_ACL_RESTRICTION': {
      const aclId = id.split(', ')[0];
      out.Component = component(region, aclId);
      out.Acl = component(region, aclId);
      const hop = hops.find((h) => h.kind === 'network-acl' && h.resourceId === aclId && !h.allowed);
      if (hop?.aclEntry) out.AclRule = aclRuleOut(hop.aclEntry);
      const subnet = hop?.subnetId ? region.subnets.get(hop.subnetId) : undefined;
      if (subnet) {
        out.Subnet = component(region, subnet.id);
        out.Vpc = component(region, subnet.vpcId);
      }
      break;
    }
    case 'NO_ROUTE_TO_DESTINATION':
    case 'CANNOT_ROUTE':
      out.Component = component(region, id);
      if (id.startsWith('rtb-')) {
        out.RouteTable = component(region, id);
        const vpc = region.routeTables.get(id)?.vpcId;
        if (vpc) out.Vpc = component(region, vpc);
      }
      break;
    case 'BAD_STATE_ROUTE':
      out.Component = component(region, id);
      if (id.startsWith('pcx-')) {
        out.VpcPeeringConnection = component(region, id);
        out.State = region.vpcPeeringConnections.get(id)?.status ?? 'deleted';
      }
      if (id.startsWith('igw-')) out.InternetGateway = component(region, id);
      break;
    case 'IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS': {
      const dst = dstEniId ? region.networkInterfaces.get(dstEniId) : undefined;
      const igwId = path.source.startsWith('igw-') ? path.source : dst ? region.attachedInternetGateway(dst.vpcId)?.id : undefined;
      out.Component = component(region, igwId ?? id);
      if (igwId) out.InternetGateway = component(region, igwId);
      if (tryParseIp(id)) out.Address = id;
      if (dst) {
        out.NetworkInterface = component(region, dst.id);
        out.Vpc = component(region, dst.vpcId);
        out.Subnet = component(region, dst.subnetId);
      }
      break;
    }
    case 'NO_PUBLIC_IP':
      out.Component = component(region, id);
      out.NetworkInterface = component(region, id);
      break;
    case 'BAD_STATE_ATTACHMENT':
    case 'NO_DESTINATION':
      out.Component = component(region, id);
      if (id.startsWith('vpc-')) out.Vpc = component(region, id);
      break;
    default:
      out.Component = component(region, id);
  }
  return out;
}

// ------------------------------------------------------------------ paths

interface Resolved {
  endpoint: ProbeEndpoint;
  eniId?: string;
  arn: string;
}

/** A path's Source or Destination: an instance (its primary interface), a network interface, or an internet gateway. */
function resolve(region: Region, id: string, address: string | undefined): Resolved {
  if (id.startsWith('i-')) {
    const inst = region.getInstance(id);
    const eniId = inst.networkInterfaceIds[0];
    if (!eniId) throw Errors.incorrectState(`The instance ${id} has no network interface`);
    return { endpoint: { kind: 'eni', networkInterfaceId: eniId, ...(address ? { address } : {}) }, eniId, arn: component(region, id).Arn! };
  }
  if (id.startsWith('eni-')) {
    const eni = region.getNetworkInterface(id);
    return { endpoint: { kind: 'eni', networkInterfaceId: eni.id, ...(address ? { address } : {}) }, eniId: eni.id, arn: component(region, id).Arn! };
  }
  if (id.startsWith('igw-')) {
    region.getInternetGateway(id);
    return { endpoint: { kind: 'internet', ...(address ? { address } : {}) }, arn: component(region, id).Arn! };
  }
  if (id.startsWith('arn:')) throw Errors.invalidParameterValue(`rampart takes resource ids, not ARNs, as Source and Destination: ${id}`);
  throw Errors.invalidParameterValue(`rampart analyses paths between instances, network interfaces and internet gateways; '${id}' is none of these`);
}

function checkIp(name: string, ip: string | undefined): void {
  if (ip !== undefined && !tryParseIp(ip)) throw Errors.invalidParameterValue(`Value (${ip}) for parameter ${name} is invalid.`);
}

function checkPort(name: string, p: number | undefined): void {
  if (p !== undefined && (!Number.isInteger(p) || p < 0 || p > 65535)) throw Errors.invalidParameterValue(`Value (${p}) for parameter ${name} is invalid.`);
}

function pathFilterIn(f: Ec2Input | undefined): PathFilterIn | undefined {
  if (!f) return undefined;
  checkIp('SourceAddress', f.SourceAddress);
  checkIp('DestinationAddress', f.DestinationAddress);
  for (const r of [f.SourcePortRange, f.DestinationPortRange]) {
    if (!r) continue;
    checkPort('FromPort', r.FromPort);
    checkPort('ToPort', r.ToPort);
    if (r.FromPort !== undefined && r.ToPort !== undefined && r.FromPort > r.ToPort) throw Errors.invalidParameterValue('FromPort must not exceed ToPort');
  }
  return f as PathFilterIn;
}

function createPath(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const source = input.Source as string;
  const destination = input.Destination as string | undefined;
  const protocol = input.Protocol as 'tcp' | 'udp';
  checkIp('SourceIp', input.SourceIp);
  checkIp('DestinationIp', input.DestinationIp);
  checkPort('DestinationPort', input.DestinationPort);
  if (destination === undefined && input.DestinationIp === undefined) throw Errors.missingParameter('Destination');
  const src = resolve(region, source, input.SourceIp);
  const dst = destination !== undefined ? resolve(region, destination, input.DestinationIp) : undefined;
  if (src.endpoint.kind === 'internet' && dst?.endpoint.kind === 'internet') {
    throw Errors.invalidParameterCombination('The source and the destination cannot both be internet gateways');
  }
  if (destination !== undefined && destination === source) throw Errors.invalidParameterCombination('The source and the destination must be different');
  const filterAtSource = pathFilterIn(input.FilterAtSource);
  const filterAtDestination = pathFilterIn(input.FilterAtDestination);
  const tags = tagSpecifications(input.TagSpecifications, 'network-insights-path');
  const id = region.ids.id('nip');
  const p: StoredPath = {
    id, arn: arn(region.name, region.accountId, 'network-insights-path', id), createdDate: ctx.now.toISOString(),
    source, sourceArn: src.arn, protocol,
    ...(destination !== undefined ? { destination, destinationArn: dst!.arn } : {}),
    ...(input.SourceIp !== undefined ? { sourceIp: input.SourceIp } : {}),
    ...(input.DestinationIp !== undefined ? { destinationIp: input.DestinationIp } : {}),
    ...(input.DestinationPort !== undefined ? { destinationPort: input.DestinationPort } : {}),
    ...(filterAtSource ? { filterAtSource } : {}),
    ...(filterAtDestination ? { filterAtDestination } : {}),
    tags,
  };
  state(region).paths.set(id, p);
  return { NetworkInsightsPath: pathOut(p) };
}

function filterOut(f: PathFilterIn | undefined) {
  if (!f) return undefined;
  const range = (r: PortRangeIn | undefined) => (r ? { FromPort: r.FromPort, ToPort: r.ToPort } : undefined);
  return { SourceAddress: f.SourceAddress, SourcePortRange: range(f.SourcePortRange), DestinationAddress: f.DestinationAddress, DestinationPortRange: range(f.DestinationPortRange) };
}

function pathOut(p: StoredPath) {
  return {
    NetworkInsightsPathId: p.id, NetworkInsightsPathArn: p.arn, CreatedDate: p.createdDate, Source: p.source, Destination: p.destination,
    SourceArn: p.sourceArn, DestinationArn: p.destinationArn, SourceIp: p.sourceIp, DestinationIp: p.destinationIp, Protocol: p.protocol,
    DestinationPort: p.destinationPort, Tags: tagsOut(p.tags), FilterAtSource: filterOut(p.filterAtSource), FilterAtDestination: filterOut(p.filterAtDestination),
  };
}

const rangeText = (r: PortRangeIn | undefined) => (r ? `${r.FromPort ?? 0}-${r.ToPort ?? 65535}` : undefined);

function describePaths(input: Ec2Input, ctx: Ec2Context) {
  const s = state(ctx.region);
  const all = byIds(s.paths, input.NetworkInsightsPathIds, pathNotFound);
  const filtered = applyFilters(all, input.Filters, {
    destination: (p) => p.destination,
    source: (p) => p.source,
    protocol: (p) => p.protocol,
    'destination-ip': (p) => p.destinationIp,
    'source-ip': (p) => p.sourceIp,
    'destination-port': (p) => p.destinationPort,
    'filter-at-source.source-address': (p) => p.filterAtSource?.SourceAddress,
    'filter-at-source.source-port-range': (p) => rangeText(p.filterAtSource?.SourcePortRange),
    'filter-at-source.destination-address': (p) => p.filterAtSource?.DestinationAddress,
    'filter-at-source.destination-port-range': (p) => rangeText(p.filterAtSource?.DestinationPortRange),
    'filter-at-destination.source-address': (p) => p.filterAtDestination?.SourceAddress,
    'filter-at-destination.source-port-range': (p) => rangeText(p.filterAtDestination?.SourcePortRange),
    'filter-at-destination.destination-address': (p) => p.filterAtDestination?.DestinationAddress,
    'filter-at-destination.destination-port-range': (p) => rangeText(p.filterAtDestination?.DestinationPortRange),
  });
  const { page, nextToken } = paginate(filtered, input, { min: 1, max: 100 });
  return { NetworkInsightsPaths: page.map(pathOut), NextToken: nextToken };
}

function deletePath(input: Ec2Input, ctx: Ec2Context) {
  const s = state(ctx.region);
  const id = input.NetworkInsightsPathId as string;
  if (!s.paths.has(id)) throw pathNotFound(id);
  // AWS deletes a path's analyses with it
  for (const a of [...s.analyses.values()]) if (a.pathId === id) s.analyses.delete(a.id);
  s.paths.delete(id);
  return { NetworkInsightsPathId: id };
}

// ------------------------------------------------------------------ analyses

/**
 * The destination port an analysis probes. A path with one port (DestinationPort, or a one-port range) is that
 * port. Otherwise Reachability Analyzer considers every port of the range — all of them when the path names
 * none (AWS: "If you don't specify a port, Reachability Analyzer considers all ports") — so the exact analysis
 * (src/analysis/reach.ts) finds the ports of the range that work end to end, and the analysis probes the lowest
 * of them for its components; when none does, the lowest that gets the request through (the response is what
 * fails), else the range's first port, whose probe explains what blocks it.
 */
function analysedPort(ctx: Ec2Context, p: StoredPath, from: ProbeEndpoint, to: ProbeEndpoint, protocol: number): number {
  const range = p.filterAtSource?.DestinationPortRange ?? p.filterAtDestination?.DestinationPortRange;
  if (p.destinationPort !== undefined) return p.destinationPort;
  const lo = range?.FromPort ?? 0;
  const hi = range?.ToPort ?? 65535;
  if (lo >= hi) return lo;
  const family = familyOf(from, to);
  const addrs = chooseAddresses(ctx.engine, from, to, family);
  const endpoint: FlowEndpoint = from.kind === 'eni' ? { kind: 'eni', networkInterfaceId: from.networkInterfaceId } : { kind: 'internet' };
  const r = new Reachability(ctx.engine).protocolReach(endpoint, family, addrs.src.value, addrs.dst.value, protocol);
  const wanted = NumberSet.range(lo, hi);
  for (const set of [r.reachable, r.partial, r.forward]) {
    const hit = set.intersect(wanted);
    if (!hit.isEmpty) return hit.ranges[0]!.lo;
  }
  return lo;
}

function runAnalysis(region: Region, ctx: Ec2Context, p: StoredPath): Pick<StoredAnalysis, 'status' | 'statusMessage' | 'networkPathFound' | 'forward' | 'ret' | 'explanations'> {
  let src: Resolved;
  let dst: Resolved;
  try {
    src = resolve(region, p.source, p.sourceIp ?? p.filterAtSource?.SourceAddress);
    const dstAddress = p.destinationIp ?? p.filterAtSource?.DestinationAddress;
    if (p.destination !== undefined) dst = resolve(region, p.destination, dstAddress);
    else {
      // only an address: an interface of the source's VPC that holds it, else somewhere on the internet
      const srcEni = src.eniId ? region.networkInterfaces.get(src.eniId) : undefined;
      const holder = srcEni && dstAddress ? region.networkInterfaceByPrivateIp(srcEni.vpcId, dstAddress) : undefined;
      dst = holder
        ? { endpoint: { kind: 'eni', networkInterfaceId: holder.id, address: dstAddress }, eniId: holder.id, arn: component(region, holder.id).Arn! }
        : { endpoint: { kind: 'internet', ...(dstAddress ? { address: dstAddress } : {}) }, arn: '' };
    }
  } catch (e) {
    if (e instanceof AwsError) return { status: 'failed', statusMessage: `${e.code}: ${e.message}` };
    throw e;
  }
  const protocol = p.protocol === 'tcp' ? 6 : 17;
  let result: ProbeResult;
  try {
    const port = analysedPort(ctx, p, src.endpoint, dst.endpoint, protocol);
    result = probe(ctx.engine, { from: src.endpoint, to: dst.endpoint, protocol, port });
  } catch (e) {
    // the engine cannot place the traffic (an endpoint without an address of the family): the analysis fails, as AWS's does
    if (e instanceof AwsError || e instanceof Error) return { status: 'failed', statusMessage: e.message };
    throw e;
  }
  const found = result.reachable;
  const srcParts = endpointComponents(region, p.source, src.eniId);
  const dstId = p.destination ?? dst.eniId;
  const dstParts = dstId ? endpointComponents(region, dstId, dst.eniId) : [];
  const out: ReturnType<typeof runAnalysis> = { status: 'succeeded', networkPathFound: found };
  if (found) {
    // an endpoint's components in the order traffic leaves it (instance, then its interface); arriving, the reverse
    out.forward = sequence([...srcParts, ...result.forward.hops.flatMap((h) => hopComponents(region, h)), ...[...dstParts].reverse()]);
    if (result.response) out.ret = sequence([...dstParts, ...result.response.hops.flatMap((h) => hopComponents(region, h)), ...[...srcParts].reverse()]);
  } else {
    const hops = [...result.forward.hops, ...(result.response?.hops ?? [])];
    out.explanations = result.explanations.map((e) => explanationOut(region, e, e.path === 'request' ? result.forward.hops : (result.response?.hops ?? hops), p, dst.eniId));
  }
  return out;
}

function startAnalysis(input: Ec2Input, ctx: Ec2Context) {
  const region = ctx.region;
  const s = state(region);
  const p = s.paths.get(input.NetworkInsightsPathId);
  if (!p) throw pathNotFound(input.NetworkInsightsPathId);
  const tags = tagSpecifications(input.TagSpecifications, 'network-insights-analysis');
  const id = region.ids.id('nia');
  const a: StoredAnalysis = {
    id, arn: arn(region.name, region.accountId, 'network-insights-analysis', id), pathId: p.id, startDate: ctx.now.toISOString(),
    filterInArns: input.FilterInArns ?? [], filterOutArns: input.FilterOutArns ?? [], additionalAccounts: input.AdditionalAccounts ?? [], tags,
    ...runAnalysis(region, ctx, p),
  };
  s.analyses.set(id, a);
  return { NetworkInsightsAnalysis: analysisOut(a) };
}

function analysisOut(a: StoredAnalysis) {
  return {
    NetworkInsightsAnalysisId: a.id, NetworkInsightsAnalysisArn: a.arn, NetworkInsightsPathId: a.pathId, AdditionalAccounts: a.additionalAccounts,
    FilterInArns: a.filterInArns, FilterOutArns: a.filterOutArns, StartDate: a.startDate, Status: a.status, StatusMessage: a.statusMessage,
    NetworkPathFound: a.networkPathFound, ForwardPathComponents: a.forward, ReturnPathComponents: a.ret, Explanations: a.explanations,
    Tags: tagsOut(a.tags),
  };
}

function describeAnalyses(input: Ec2Input, ctx: Ec2Context) {
  const s = state(ctx.region);
  let all = byIds(s.analyses, input.NetworkInsightsAnalysisIds, analysisNotFound);
  if (input.NetworkInsightsPathId !== undefined) {
    if (!s.paths.has(input.NetworkInsightsPathId)) throw pathNotFound(input.NetworkInsightsPathId);
    all = all.filter((a) => a.pathId === input.NetworkInsightsPathId);
  }
  const from = input.AnalysisStartTime instanceof Date ? input.AnalysisStartTime.getTime() : undefined;
  const to = input.AnalysisEndTime instanceof Date ? input.AnalysisEndTime.getTime() : undefined;
  all = all.filter((a) => {
    const t = Date.parse(a.startDate);
    return (from === undefined || t >= from) && (to === undefined || t <= to);
  });
  const filtered = applyFilters(all, input.Filters, {
    'path-found': (a) => a.networkPathFound,
    status: (a) => a.status,
  });
  const { page, nextToken } = paginate(filtered, input, { min: 1, max: 100 });
  return { NetworkInsightsAnalyses: page.map(analysisOut), NextToken: nextToken };
}

function deleteAnalysis(input: Ec2Input, ctx: Ec2Context) {
  const s = state(ctx.region);
  const id = input.NetworkInsightsAnalysisId as string;
  if (!s.analyses.delete(id)) throw analysisNotFound(id);
  return { NetworkInsightsAnalysisId: id };
}

export const insightsHandlers: HandlerFamily = {
  CreateNetworkInsightsPath: mutating(createPath),
  DescribeNetworkInsightsPaths: reading(describePaths),
  DeleteNetworkInsightsPath: mutating(deletePath),
  StartNetworkInsightsAnalysis: mutating(startAnalysis),
  DescribeNetworkInsightsAnalyses: reading(describeAnalyses),
  DeleteNetworkInsightsAnalysis: mutating(deleteAnalysis),
};
