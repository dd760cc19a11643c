// Security group rule requests (IpPermission, SecurityGroupRuleRequest) turned into canonical rule specs,
// following EC2 API Reference "IpPermission" and Amazon VPC User Guide "Security group rules".
import { canonicalCidr, parseProtocol, PROTO_ALL, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, protocolName, tryParseCidr } from '../net/index.js';
import { Errors } from '../model/errors.js';
import type { RulePeer } from '../model/types.js';

export interface IpPermissionInput {
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  ipRanges?: { cidrIp: string; description?: string }[];
  ipv6Ranges?: { cidrIpv6: string; description?: string }[];
  prefixListIds?: { prefixListId: string; description?: string }[];
  userIdGroupPairs?: {
    groupId?: string;
    groupName?: string;
    userId?: string;
    vpcId?: string;
    vpcPeeringConnectionId?: string;
    description?: string;
  }[];
}

/** ModifySecurityGroupRules / the rule-level API (SecurityGroupRuleRequest). */
export interface SecurityGroupRuleRequest {
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  prefixListId?: string;
  referencedGroupId?: string;
  description?: string;
}

/** A peer as the caller wrote it, before group names and owners are resolved against state. */
export type PeerInput =
  | { kind: 'cidr4'; cidr: string }
  | { kind: 'cidr6'; cidr: string }
  | { kind: 'prefixList'; prefixListId: string }
  | {
      kind: 'group';
      groupId?: string;
      groupName?: string;
      userId?: string;
      vpcId?: string;
      vpcPeeringConnectionId?: string;
    };

export interface RuleSpecInput {
  protocol: number;
  fromPort: number;
  toPort: number;
  peer: PeerInput;
  description?: string;
}

const DESCRIPTION_RE = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/;

/** Rule and group descriptions: ≤ 255 characters of a-zA-Z0-9, space and ._-:/()#,@[]+=&;{}!$* */
export function validateRuleDescription(d: string | undefined): void {
  if (d === undefined) return;
  if (d.length > 255 || !DESCRIPTION_RE.test(d)) {
    throw Errors.invalidParameterValue(
      'Invalid rule description. Valid descriptions are strings less than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*',
    );
  }
}

export function isValidGroupText(s: string): boolean {
  return s.length <= 255 && DESCRIPTION_RE.test(s);
}

/**
 * Protocol and ports of a rule, canonical: -1 and protocols other than tcp/udp/icmp/icmpv6 ignore ports
 * (stored -1/-1); tcp/udp need 0–65535 with from ≤ to; icmp needs type/code (FromPort = type, ToPort = code,
 * -1 = all; type -1 needs code -1); icmpv6 may omit them (all types and codes).
 */
export function canonicalProtocolPorts(
  ipProtocol: string | undefined,
  fromPort: number | undefined,
  toPort: number | undefined,
): { protocol: number; fromPort: number; toPort: number } {
  if (ipProtocol === undefined || ipProtocol === '') throw Errors.missingParameter('ipProtocol');
  const protocol = parseProtocol(ipProtocol);
  if (protocol === undefined || ipProtocol.toLowerCase() === 'all') {
    throw Errors.invalidParameterValue(`Invalid value '${ipProtocol}' for IP protocol. Unknown protocol.`);
  }
  if (protocol === PROTO_TCP || protocol === PROTO_UDP) {
    if (fromPort === undefined || toPort === undefined) {
      throw Errors.invalidParameterValue(
        "Invalid value 'null' for portRange. Must specify both from and to ports with TCP/UDP.",
      );
    }
    for (const p of [fromPort, toPort]) {
      if (!Number.isInteger(p) || p < 0 || p > 65535) throw Errors.portOutOfRange('TCP/UDP', p);
    }
    if (fromPort > toPort) {
      throw Errors.invalidParameterValue(`Invalid TCP/UDP port range: from port ${fromPort} is greater than to port ${toPort}`);
    }
    return { protocol, fromPort, toPort };
  }
  if (protocol === PROTO_ICMP || protocol === PROTO_ICMPV6) {
    if (fromPort === undefined && toPort === undefined) {
      if (protocol === PROTO_ICMPV6) return { protocol, fromPort: -1, toPort: -1 };
      throw Errors.invalidParameterValue(
        "Invalid value 'null' for portRange. Must specify both ICMP type (FromPort) and code (ToPort).",
      );
    }
    const type = fromPort ?? -1;
    const code = toPort ?? -1;
    if (!Number.isInteger(type) || type < -1 || type > 255) throw Errors.invalidParameterValue(`ICMP type (${type}) out of range`);
    if (!Number.isInteger(code) || code < -1 || code > 255 || (type === -1 && code !== -1)) {
      throw Errors.invalidParameterValue(`ICMP code (${code}) out of range`);
    }
    return { protocol, fromPort: type, toPort: code };
  }
  // -1 and every other protocol number: ports are ignored whatever From/To say.
  return { protocol, fromPort: -1, toPort: -1 };
}

function canonicalRuleCidr(text: string, family: 4 | 6): string {
  const p = tryParseCidr(text);
  if (!p || p.cidr.family !== family) {
    throw Errors.invalidParameterValue(
      family === 4 ? `CIDR block ${text} is malformed` : `Invalid IPv6 CIDR block: ${text}`,
    );
  }
  return canonicalCidr(text)!;
}

/** Expands IpPermissions into one rule spec per peer, in AWS's order: IPv4, IPv6, prefix lists, groups. */
export function expandIpPermissions(perms: IpPermissionInput[]): RuleSpecInput[] {
  const out: RuleSpecInput[] = [];
  for (const perm of perms) {
    const pp = canonicalProtocolPorts(perm.ipProtocol, perm.fromPort, perm.toPort);
    const peers: { peer: PeerInput; description?: string }[] = [];
    for (const r of perm.ipRanges ?? []) {
      if (r.cidrIp === undefined) throw Errors.missingParameter('cidrIp');
      peers.push({ peer: { kind: 'cidr4', cidr: canonicalRuleCidr(r.cidrIp, 4) }, description: r.description });
    }
    for (const r of perm.ipv6Ranges ?? []) {
      if (r.cidrIpv6 === undefined) throw Errors.missingParameter('cidrIpv6');
      peers.push({ peer: { kind: 'cidr6', cidr: canonicalRuleCidr(r.cidrIpv6, 6) }, description: r.description });
    }
    for (const r of perm.prefixListIds ?? []) {
      if (!r.prefixListId) throw Errors.missingParameter('prefixListId');
      peers.push({ peer: { kind: 'prefixList', prefixListId: r.prefixListId }, description: r.description });
    }
    for (const g of perm.userIdGroupPairs ?? []) {
      if (!g.groupId && !g.groupName) throw Errors.missingSource();
      peers.push({
        peer: {
          kind: 'group',
          groupId: g.groupId,
          groupName: g.groupName,
          userId: g.userId,
          vpcId: g.vpcId,
          vpcPeeringConnectionId: g.vpcPeeringConnectionId,
        },
        description: g.description,
      });
    }
    if (peers.length === 0) throw Errors.missingSource();
    for (const { peer, description } of peers) {
      validateRuleDescription(description);
      out.push({ ...pp, peer, description });
    }
  }
  return out;
}

/** A SecurityGroupRuleRequest (exactly one peer) as a rule spec. */
export function ruleRequestToSpec(req: SecurityGroupRuleRequest): RuleSpecInput {
  const pp = canonicalProtocolPorts(req.ipProtocol, req.fromPort, req.toPort);
  const peers: PeerInput[] = [];
  if (req.cidrIpv4 !== undefined) peers.push({ kind: 'cidr4', cidr: canonicalRuleCidr(req.cidrIpv4, 4) });
  if (req.cidrIpv6 !== undefined) peers.push({ kind: 'cidr6', cidr: canonicalRuleCidr(req.cidrIpv6, 6) });
  if (req.prefixListId !== undefined) peers.push({ kind: 'prefixList', prefixListId: req.prefixListId });
  if (req.referencedGroupId !== undefined) peers.push({ kind: 'group', groupId: req.referencedGroupId });
  if (peers.length === 0) throw Errors.missingSource();
  if (peers.length > 1) {
    throw Errors.invalidParameterCombination(
      'Only one of CidrIpv4, CidrIpv6, PrefixListId and ReferencedGroupId may be specified for a rule',
    );
  }
  validateRuleDescription(req.description);
  return { ...pp, peer: peers[0], description: req.description };
}

/** Identity of a rule for duplicate detection: direction, protocol, ports and peer; never the description. */
export function ruleKey(isEgress: boolean, protocol: number, fromPort: number, toPort: number, peer: RulePeer): string {
  let p: string;
  switch (peer.kind) {
    case 'cidr4':
    case 'cidr6':
      p = peer.cidr;
      break;
    case 'prefixList':
      p = peer.prefixListId;
      break;
    case 'group':
      p = `${peer.userId}/${peer.groupId}`;
      break;
  }
  return `${isEgress ? 'e' : 'i'}|${protocol}|${fromPort}|${toPort}|${p}`;
}

/** The text AWS puts in InvalidPermission.Duplicate: `peer: sg-…, TCP, from port: 0, to port: 65535, ALLOW`. */
export function describeRuleForError(protocol: number, fromPort: number, toPort: number, peer: RulePeer): string {
  const peerText =
    peer.kind === 'group' ? peer.groupId : peer.kind === 'prefixList' ? peer.prefixListId : peer.cidr;
  const proto = protocol === PROTO_ALL ? 'ALL' : protocolName(protocol).toUpperCase();
  if (fromPort === -1 && toPort === -1) return `peer: ${peerText}, ${proto}, ALLOW`;
  return `peer: ${peerText}, ${proto}, from port: ${fromPort}, to port: ${toPort}, ALLOW`;
}
