// Security groups and their rules over the EC2 Query API (EC2 API Reference: CreateSecurityGroup,
// DescribeSecurityGroups, DescribeSecurityGroupRules, Authorize/RevokeSecurityGroupIngress/Egress, …).
// Handlers translate the model's PascalCase members to the state layer's inputs and back; every rule of
// AWS's semantics (canonical protocols and CIDRs, duplicates, quotas, references) lives in src/state.
import { arn } from '../../model/ids.js';
import { Errors } from '../../model/errors.js';
import type { RulePeer, SecurityGroup, SecurityGroupRule, Tag } from '../../model/types.js';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, protocolName } from '../../net/index.js';
import type { IpPermissionInput, PeerInput, SecurityGroupRuleRequest } from '../../state/permissions.js';
import type { Region } from '../../state/region.js';
import { mutating, reading, type Ec2Context, type Ec2Input, type HandlerFamily } from '../context.js';
import { applyFilters, paginate, tagSpecifications, tagsOut, type FilterDefs } from '../describe.js';

// ---------------------------------------------------------------- input conversion

interface IpPermissionWire {
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: { CidrIp?: string; Description?: string }[];
  Ipv6Ranges?: { CidrIpv6?: string; Description?: string }[];
  PrefixListIds?: { PrefixListId?: string; Description?: string }[];
  UserIdGroupPairs?: { GroupId?: string; GroupName?: string; UserId?: string; VpcId?: string; VpcPeeringConnectionId?: string; Description?: string }[];
}

function permissionIn(p: IpPermissionWire): IpPermissionInput {
  return {
    ipProtocol: p.IpProtocol as string,
    fromPort: p.FromPort,
    toPort: p.ToPort,
    ipRanges: p.IpRanges?.map((r) => ({ cidrIp: r.CidrIp as string, description: r.Description })),
    ipv6Ranges: p.Ipv6Ranges?.map((r) => ({ cidrIpv6: r.CidrIpv6 as string, description: r.Description })),
    prefixListIds: p.PrefixListIds?.map((r) => ({ prefixListId: r.PrefixListId as string, description: r.Description })),
    userIdGroupPairs: p.UserIdGroupPairs?.map((g) => ({
      groupId: g.GroupId,
      groupName: g.GroupName,
      userId: g.UserId,
      vpcId: g.VpcId,
      vpcPeeringConnectionId: g.VpcPeeringConnectionId,
      description: g.Description,
    })),
  };
}

const FLAT_MEMBERS = ['CidrIp', 'IpProtocol', 'FromPort', 'ToPort', 'SourceSecurityGroupName', 'SourceSecurityGroupOwnerId'] as const;

/**
 * IpPermissions, or the legacy flat form (CidrIp / IpProtocol / FromPort / ToPort / SourceSecurityGroupName /
 * SourceSecurityGroupOwnerId). EC2 API Reference, AuthorizeSecurityGroupIngress: SourceSecurityGroupName
 * without a protocol "creates rules that grant full ICMP, UDP, and TCP access"; the Egress actions document
 * the flat members as "Not supported. Use IpPermissions instead."
 */
function permissionsOf(input: Ec2Input, flatAllowed: boolean): IpPermissionInput[] | undefined {
  const perms = (input.IpPermissions as IpPermissionWire[] | undefined)?.map(permissionIn);
  const flat = FLAT_MEMBERS.filter((m) => input[m] !== undefined);
  if (flat.length === 0) return perms;
  if (!flatAllowed) throw Errors.invalidParameterValue(`The parameter ${flat[0]} is not supported for this operation. Use IpPermissions instead.`);
  if (perms && perms.length > 0) {
    throw Errors.invalidParameterCombination('The parameter IpPermissions cannot be used with the parameters CidrIp, IpProtocol, FromPort, ToPort, SourceSecurityGroupName or SourceSecurityGroupOwnerId');
  }
  const sourceName = input.SourceSecurityGroupName as string | undefined;
  const sourceOwner = input.SourceSecurityGroupOwnerId as string | undefined;
  if (sourceName !== undefined || sourceOwner !== undefined) {
    if (input.CidrIp !== undefined) throw Errors.invalidParameterCombination('You may not specify both a source security group and a CIDR IP range');
    if (sourceName === undefined) throw Errors.missingParameter('SourceSecurityGroupName');
    const pair = { groupName: sourceName, userId: sourceOwner };
    if (input.IpProtocol === undefined) {
      return [
        { ipProtocol: 'icmp', fromPort: -1, toPort: -1, userIdGroupPairs: [pair] },
        { ipProtocol: 'tcp', fromPort: 0, toPort: 65535, userIdGroupPairs: [pair] },
        { ipProtocol: 'udp', fromPort: 0, toPort: 65535, userIdGroupPairs: [pair] },
      ];
    }
    return [{ ipProtocol: input.IpProtocol, fromPort: input.FromPort, toPort: input.ToPort, userIdGroupPairs: [pair] }];
  }
  return [
    {
      ipProtocol: input.IpProtocol,
      fromPort: input.FromPort,
      toPort: input.ToPort,
      ...(input.CidrIp !== undefined ? { ipRanges: [{ cidrIp: input.CidrIp as string }] } : {}),
    },
  ];
}

function groupRef(region: Region, input: Ec2Input): SecurityGroup {
  return region.resolveGroup({ groupId: input.GroupId, groupName: input.GroupName });
}

// ---------------------------------------------------------------- output shapes

/** Protocols whose rules show a port range (or ICMP type/code) in DescribeSecurityGroups. */
function showsPorts(protocol: number): boolean {
  return protocol === PROTO_TCP || protocol === PROTO_UDP || protocol === PROTO_ICMP || protocol === PROTO_ICMPV6;
}

function peeringStatus(region: Region, pcxId: string | undefined): string | undefined {
  return pcxId ? region.vpcPeeringConnections.get(pcxId)?.status : undefined;
}

interface PermissionItem {
  protocol: number;
  fromPort: number;
  toPort: number;
  peer: PeerInput | RulePeer;
  description?: string;
}

/**
 * Rules as AWS shows them in DescribeSecurityGroups: one IpPermission per protocol and port range, in the order
 * the ranges first appear, each listing its peers (IpRanges, Ipv6Ranges, PrefixListIds, UserIdGroupPairs).
 * "All traffic" and other port-less protocols carry no FromPort/ToPort.
 */
function permissionsOut(region: Region, items: PermissionItem[]): Record<string, unknown>[] {
  const byKey = new Map<string, { IpProtocol: string; FromPort?: number; ToPort?: number; IpRanges: object[]; Ipv6Ranges: object[]; PrefixListIds: object[]; UserIdGroupPairs: object[] }>();
  for (const it of items) {
    const key = `${it.protocol}|${it.fromPort}|${it.toPort}`;
    let p = byKey.get(key);
    if (!p) {
      p = {
        IpProtocol: protocolName(it.protocol),
        ...(showsPorts(it.protocol) ? { FromPort: it.fromPort, ToPort: it.toPort } : {}),
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      };
      byKey.set(key, p);
    }
    const d = it.description !== undefined ? { Description: it.description } : {};
    const peer = it.peer;
    switch (peer.kind) {
      case 'cidr4':
        p.IpRanges.push({ CidrIp: peer.cidr, ...d });
        break;
      case 'cidr6':
        p.Ipv6Ranges.push({ CidrIpv6: peer.cidr, ...d });
        break;
      case 'prefixList':
        p.PrefixListIds.push({ PrefixListId: peer.prefixListId, ...d });
        break;
      case 'group':
        p.UserIdGroupPairs.push({
          ...d,
          ...(peer.userId !== undefined ? { UserId: peer.userId } : {}),
          ...('groupName' in peer && peer.groupName !== undefined ? { GroupName: peer.groupName } : {}),
          ...(peer.groupId !== undefined ? { GroupId: peer.groupId } : {}),
          ...(peer.vpcId !== undefined ? { VpcId: peer.vpcId } : {}),
          ...(peer.vpcPeeringConnectionId !== undefined
            ? { VpcPeeringConnectionId: peer.vpcPeeringConnectionId, PeeringStatus: peeringStatus(region, peer.vpcPeeringConnectionId) }
            : {}),
        });
        break;
    }
  }
  return [...byKey.values()];
}

function groupArn(ctx: Ec2Context, sg: SecurityGroup): string {
  return arn(ctx.regionName, sg.ownerId, 'security-group', sg.id);
}

function ruleArn(ctx: Ec2Context, r: SecurityGroupRule): string {
  return arn(ctx.regionName, r.groupOwnerId, 'security-group-rule', r.id);
}

function tagSet(tags: Tag[]): { Tags?: { Key: string; Value: string }[] } {
  // AWS leaves tagSet out of a resource that has no tags.
  return tags.length > 0 ? { Tags: tagsOut(tags) } : {};
}

function groupOut(ctx: Ec2Context, sg: SecurityGroup): Record<string, unknown> {
  const r = ctx.region;
  return {
    GroupId: sg.id,
    IpPermissionsEgress: permissionsOut(r, r.groupRules(sg.id, true)),
    ...tagSet(sg.tags),
    VpcId: sg.vpcId,
    SecurityGroupArn: groupArn(ctx, sg),
    OwnerId: sg.ownerId,
    GroupName: sg.name,
    Description: sg.description,
    IpPermissions: permissionsOut(r, r.groupRules(sg.id, false)),
  };
}

function peerFields(region: Region, peer: RulePeer): Record<string, unknown> {
  switch (peer.kind) {
    case 'cidr4':
      return { CidrIpv4: peer.cidr };
    case 'cidr6':
      return { CidrIpv6: peer.cidr };
    case 'prefixList':
      return { PrefixListId: peer.prefixListId };
    case 'group':
      return {
        ReferencedGroupInfo: {
          GroupId: peer.groupId,
          UserId: peer.userId,
          ...(peer.vpcId !== undefined ? { VpcId: peer.vpcId } : {}),
          ...(peer.vpcPeeringConnectionId !== undefined
            ? { VpcPeeringConnectionId: peer.vpcPeeringConnectionId, PeeringStatus: peeringStatus(region, peer.vpcPeeringConnectionId) }
            : {}),
        },
      };
  }
}

/** A SecurityGroupRule as DescribeSecurityGroupRules and Authorize* return it: ports -1/-1 when they do not apply. */
function ruleOut(ctx: Ec2Context, r: SecurityGroupRule): Record<string, unknown> {
  return {
    SecurityGroupRuleId: r.id,
    GroupId: r.groupId,
    GroupOwnerId: r.groupOwnerId,
    IsEgress: r.isEgress,
    IpProtocol: protocolName(r.protocol),
    FromPort: r.fromPort,
    ToPort: r.toPort,
    ...peerFields(ctx.region, r.peer),
    ...(r.description !== undefined ? { Description: r.description } : {}),
    Tags: tagsOut(r.tags),
    SecurityGroupRuleArn: ruleArn(ctx, r),
  };
}

/** RevokedSecurityGroupRule: the same facts, with ReferencedGroupId instead of ReferencedGroupInfo. */
function revokedOut(r: SecurityGroupRule): Record<string, unknown> {
  const p = r.peer;
  return {
    SecurityGroupRuleId: r.id,
    GroupId: r.groupId,
    IsEgress: r.isEgress,
    IpProtocol: protocolName(r.protocol),
    FromPort: r.fromPort,
    ToPort: r.toPort,
    ...(p.kind === 'cidr4' ? { CidrIpv4: p.cidr } : {}),
    ...(p.kind === 'cidr6' ? { CidrIpv6: p.cidr } : {}),
    ...(p.kind === 'prefixList' ? { PrefixListId: p.prefixListId } : {}),
    ...(p.kind === 'group' ? { ReferencedGroupId: p.groupId } : {}),
    ...(r.description !== undefined ? { Description: r.description } : {}),
  };
}

// ---------------------------------------------------------------- filters

/** Values of the ip-permission.* / egress.ip-permission.* filters over all rules of one direction. AWS: "the
 *  results include security groups for which any combination of rules - not necessarily a single rule - match
 *  all filters", so each filter sees the values of every rule. */
function permissionFilters(region: Region, prefix: string, egress: boolean): FilterDefs<SecurityGroup> {
  const rules = (sg: SecurityGroup) => region.groupRules(sg.id, egress);
  const groupPeers = (sg: SecurityGroup) => rules(sg).flatMap((r) => (r.peer.kind === 'group' ? [r.peer] : []));
  return {
    [`${prefix}cidr`]: (sg) => rules(sg).flatMap((r) => (r.peer.kind === 'cidr4' ? [r.peer.cidr] : [])),
    [`${prefix}ipv6-cidr`]: (sg) => rules(sg).flatMap((r) => (r.peer.kind === 'cidr6' ? [r.peer.cidr] : [])),
    [`${prefix}prefix-list-id`]: (sg) => rules(sg).flatMap((r) => (r.peer.kind === 'prefixList' ? [r.peer.prefixListId] : [])),
    [`${prefix}group-id`]: (sg) => groupPeers(sg).map((p) => p.groupId),
    [`${prefix}group-name`]: (sg) => groupPeers(sg).map((p) => region.securityGroups.get(p.groupId)?.name),
    [`${prefix}user-id`]: (sg) => groupPeers(sg).map((p) => p.userId),
    // tcp | udp | icmp | icmpv6, a protocol number, or -1: a named protocol matches its name and its number.
    [`${prefix}protocol`]: (sg) => rules(sg).flatMap((r) => [protocolName(r.protocol), String(r.protocol)]),
    [`${prefix}from-port`]: (sg) => rules(sg).flatMap((r) => (showsPorts(r.protocol) ? [r.fromPort] : [])),
    [`${prefix}to-port`]: (sg) => rules(sg).flatMap((r) => (showsPorts(r.protocol) ? [r.toPort] : [])),
  };
}

function groupFilters(region: Region): FilterDefs<SecurityGroup> {
  return {
    description: (sg) => sg.description,
    'group-id': (sg) => sg.id,
    'group-name': (sg) => sg.name,
    'owner-id': (sg) => sg.ownerId,
    'vpc-id': (sg) => sg.vpcId,
    ...permissionFilters(region, 'ip-permission.', false),
    ...permissionFilters(region, 'egress.ip-permission.', true),
  };
}

const RULE_FILTERS: FilterDefs<SecurityGroupRule> = {
  'group-id': (r) => r.groupId,
  'security-group-rule-id': (r) => r.id,
};

const GROUP_FOR_VPC_FILTERS: FilterDefs<SecurityGroup> = {
  'group-id': (sg) => sg.id,
  description: (sg) => sg.description,
  'group-name': (sg) => sg.name,
  'owner-id': (sg) => sg.ownerId,
  'primary-vpc-id': (sg) => sg.vpcId,
};

// ---------------------------------------------------------------- handlers

function authorize(egress: boolean) {
  return mutating((input, ctx) => {
    const region = ctx.region;
    const sg = egress ? region.getGroup(input.GroupId) : groupRef(region, input);
    const tags = tagSpecifications(input.TagSpecifications, 'security-group-rule');
    const perms = permissionsOf(input, !egress) ?? [];
    const rules = region.authorize(sg.id, egress, perms, tags);
    return { Return: true, SecurityGroupRules: rules.map((r) => ruleOut(ctx, r)) };
  });
}

function revoke(egress: boolean) {
  return mutating((input, ctx) => {
    const region = ctx.region;
    const sg = egress ? region.getGroup(input.GroupId) : groupRef(region, input);
    const ruleIds = input.SecurityGroupRuleIds as string[] | undefined;
    const perms = permissionsOf(input, !egress);
    const result = region.revoke(sg.id, egress, { permissions: perms, ruleIds });
    return {
      // In a default VPC AWS does not fail on a permission that matches nothing: "no error is returned, and the
      // output describes the security group rules that were not revoked" (EC2 API Reference,
      // RevokeSecurityGroupIngress). Uncertain: the reference does not say what Return holds then; AWS CLI
      // transcripts of this case show `"Return": false` next to UnknownIpPermissions, so rampart answers false
      // when something asked was not revoked and true otherwise.
      Return: result.unknown.length === 0,
      ...(result.unknown.length > 0 ? { UnknownIpPermissions: permissionsOut(region, result.unknown) } : {}),
      RevokedSecurityGroupRules: result.revoked.map(revokedOut),
    };
  });
}

function updateDescriptions(egress: boolean) {
  return mutating((input, ctx) => {
    const region = ctx.region;
    const sg = groupRef(region, input);
    const ruleDescriptions = (input.SecurityGroupRuleDescriptions as { SecurityGroupRuleId?: string; Description?: string }[] | undefined)?.map((d) => {
      if (!d.SecurityGroupRuleId) throw Errors.missingParameter('SecurityGroupRuleDescription.N.SecurityGroupRuleId');
      return { securityGroupRuleId: d.SecurityGroupRuleId, description: d.Description };
    });
    const permissions = (input.IpPermissions as IpPermissionWire[] | undefined)?.map(permissionIn);
    region.updateRuleDescriptions(sg.id, egress, { permissions, ruleDescriptions });
    return { Return: true };
  });
}

function ruleRequestIn(r: Record<string, unknown> | undefined): SecurityGroupRuleRequest {
  if (!r) throw Errors.missingParameter('SecurityGroupRule.N.SecurityGroupRule');
  return {
    ipProtocol: r.IpProtocol as string,
    fromPort: r.FromPort as number | undefined,
    toPort: r.ToPort as number | undefined,
    cidrIpv4: r.CidrIpv4 as string | undefined,
    cidrIpv6: r.CidrIpv6 as string | undefined,
    prefixListId: r.PrefixListId as string | undefined,
    referencedGroupId: r.ReferencedGroupId as string | undefined,
    description: r.Description as string | undefined,
  };
}

export const securityGroupHandlers: HandlerFamily = {
  CreateSecurityGroup: mutating((input, ctx) => {
    const tags = tagSpecifications(input.TagSpecifications, 'security-group');
    const sg = ctx.region.createSecurityGroup({ groupName: input.GroupName, description: input.Description, vpcId: input.VpcId, tags });
    return { GroupId: sg.id, ...tagSet(sg.tags), SecurityGroupArn: groupArn(ctx, sg) };
  }),

  DeleteSecurityGroup: mutating((input, ctx) => {
    const sg = ctx.region.deleteSecurityGroup({ groupId: input.GroupId, groupName: input.GroupName });
    return { Return: true, GroupId: sg.id };
  }),

  DescribeSecurityGroups: reading((input, ctx) => {
    const region = ctx.region;
    const ids = (input.GroupIds as string[] | undefined) ?? [];
    const names = (input.GroupNames as string[] | undefined) ?? [];
    let groups: SecurityGroup[];
    if (ids.length === 0 && names.length === 0) groups = [...region.securityGroups.values()];
    else {
      // GroupNames: [Default VPC] only; each id or name that does not exist is InvalidGroup.NotFound.
      const found = [...ids.map((id) => region.getGroup(id)), ...names.map((n) => region.resolveGroup({ groupName: n }))];
      groups = [...new Set(found)];
    }
    const filtered = applyFilters(groups, input.Filters, groupFilters(region));
    const { page, nextToken } = paginate(filtered, input);
    return { ...(nextToken ? { NextToken: nextToken } : {}), SecurityGroups: page.map((sg) => groupOut(ctx, sg)) };
  }),

  DescribeSecurityGroupRules: reading((input, ctx) => {
    const region = ctx.region;
    const ids = (input.SecurityGroupRuleIds as string[] | undefined) ?? [];
    const rules = ids.length > 0 ? [...new Set(ids.map((id) => region.rule(id)))] : [...region.securityGroupRules.values()];
    const filtered = applyFilters(rules, input.Filters, RULE_FILTERS);
    const { page, nextToken } = paginate(filtered, input);
    return { SecurityGroupRules: page.map((r) => ruleOut(ctx, r)), ...(nextToken ? { NextToken: nextToken } : {}) };
  }),

  AuthorizeSecurityGroupIngress: authorize(false),
  AuthorizeSecurityGroupEgress: authorize(true),
  RevokeSecurityGroupIngress: revoke(false),
  RevokeSecurityGroupEgress: revoke(true),

  ModifySecurityGroupRules: mutating((input, ctx) => {
    const updates = (input.SecurityGroupRules as { SecurityGroupRuleId?: string; SecurityGroupRule?: Record<string, unknown> }[] | undefined) ?? [];
    if (updates.length === 0) throw Errors.missingParameter('SecurityGroupRule');
    ctx.region.modifySecurityGroupRules(
      input.GroupId,
      updates.map((u) => ({ securityGroupRuleId: u.SecurityGroupRuleId as string, securityGroupRule: ruleRequestIn(u.SecurityGroupRule) })),
    );
    return { Return: true };
  }),

  UpdateSecurityGroupRuleDescriptionsIngress: updateDescriptions(false),
  UpdateSecurityGroupRuleDescriptionsEgress: updateDescriptions(true),

  /**
   * The VPCs on the other side of a VPC peering whose security groups reference the given groups
   * (EC2 API Reference, DescribeSecurityGroupReferences). Only live references count: a rule whose peering is
   * no longer active is stale (DescribeStaleSecurityGroups), not a reference.
   */
  DescribeSecurityGroupReferences: reading((input, ctx) => {
    const region = ctx.region;
    const ids = (input.GroupId as string[] | undefined) ?? [];
    if (ids.length === 0) throw Errors.missingParameter('GroupId');
    const out: Record<string, unknown>[] = [];
    for (const id of ids) {
      const sg = region.getGroup(id);
      const seen = new Set<string>();
      for (const rid of region.rulesReferencing(sg.id)) {
        const rule = region.securityGroupRules.get(rid);
        const owner = rule && region.securityGroups.get(rule.groupId);
        if (!owner || owner.vpcId === sg.vpcId || seen.has(owner.vpcId)) continue;
        const pcx = region.activePeeringBetween(owner.vpcId, sg.vpcId);
        if (!pcx) continue;
        seen.add(owner.vpcId);
        out.push({ GroupId: sg.id, ReferencingVpcId: owner.vpcId, VpcPeeringConnectionId: pcx.id });
      }
    }
    return { SecurityGroupReferenceSet: out };
  }),

  /** Groups of a VPC with rules that reference a group across a peering that is gone or a group that is gone. */
  DescribeStaleSecurityGroups: reading((input, ctx) => {
    const region = ctx.region;
    const vpc = region.getVpc(input.VpcId);
    const byGroup = new Map<string, { ingress: SecurityGroupRule[]; egress: SecurityGroupRule[] }>();
    for (const r of region.staleRules()) {
      const sg = region.securityGroups.get(r.groupId);
      if (!sg || sg.vpcId !== vpc.id) continue;
      let e = byGroup.get(sg.id);
      if (!e) byGroup.set(sg.id, (e = { ingress: [], egress: [] }));
      (r.isEgress ? e.egress : e.ingress).push(r);
    }
    const stalePerms = (rules: SecurityGroupRule[]) =>
      permissionsOut(region, rules).map((p) => ({
        FromPort: p.FromPort,
        IpProtocol: p.IpProtocol,
        ToPort: p.ToPort,
        UserIdGroupPairs: p.UserIdGroupPairs,
      }));
    const all = [...byGroup.entries()].map(([id, e]) => {
      const sg = region.securityGroups.get(id)!;
      return {
        Description: sg.description,
        GroupId: sg.id,
        GroupName: sg.name,
        StaleIpPermissions: stalePerms(e.ingress),
        StaleIpPermissionsEgress: stalePerms(e.egress),
        VpcId: sg.vpcId,
      };
    });
    const { page, nextToken } = paginate(all, input, { min: 5, max: 255 });
    return { ...(nextToken ? { NextToken: nextToken } : {}), StaleSecurityGroupSet: page };
  }),

  /** Security groups the caller can attach to network interfaces in a VPC: the groups created in it. */
  GetSecurityGroupsForVpc: reading((input, ctx) => {
    const region = ctx.region;
    const vpc = region.getVpc(input.VpcId);
    const groups = [...region.securityGroups.values()].filter((sg) => sg.vpcId === vpc.id);
    const filtered = applyFilters(groups, input.Filters, GROUP_FOR_VPC_FILTERS);
    const { page, nextToken } = paginate(filtered, input);
    return {
      ...(nextToken ? { NextToken: nextToken } : {}),
      SecurityGroupForVpcs: page.map((sg) => ({
        Description: sg.description,
        GroupName: sg.name,
        OwnerId: sg.ownerId,
        GroupId: sg.id,
        ...tagSet(sg.tags),
        PrimaryVpcId: sg.vpcId,
      })),
    };
  }),
};

