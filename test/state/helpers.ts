// Shared helpers for the state-layer tests: AWS error assertions and small fixtures.
import { expect } from 'vitest';
import { AwsError, type ErrorCode } from '../../src/model/errors.js';
import { Region, type RegionOptions } from '../../src/state/region.js';
import type { Quotas } from '../../src/model/quotas.js';

/** Runs `fn`, asserts it throws an AwsError with `code` (and `message` when given), and returns the error. */
export function expectAwsError(fn: () => unknown, code: ErrorCode, message?: string | RegExp): AwsError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${code} to be thrown`).toBeInstanceOf(AwsError);
  const err = caught as AwsError;
  expect(err.code).toBe(code);
  if (typeof message === 'string') expect(err.message).toBe(message);
  else if (message instanceof RegExp) expect(err.message).toMatch(message);
  return err;
}

/** A Region without the default VPC, with one custom VPC 10.0.0.0/16 and a subnet 10.0.1.0/24. */
export function customVpc(opts: { quotas?: Partial<Quotas>; ipv6?: boolean } & Omit<RegionOptions, 'quotas'> = {}) {
  const region = new Region({ ...opts, defaultVpc: false });
  const vpc = region.createVpc({ cidrBlock: '10.0.0.0/16', amazonProvidedIpv6CidrBlock: opts.ipv6 ?? false });
  const subnet = region.createSubnet({ vpcId: vpc.id, cidrBlock: '10.0.1.0/24' });
  return { region, vpc, subnet };
}

/** A fresh group (name `app` unless told) in the VPC. */
export function newGroup(region: Region, vpcId: string, name = 'app') {
  return region.createSecurityGroup({ groupName: name, description: `${name} group`, vpcId });
}

/** JSON snapshot of every resource map, for "a failing call changes nothing" checks. */
export function snapshot(region: Region): string {
  return JSON.stringify({
    vpcs: [...region.vpcs],
    subnets: [...region.subnets],
    securityGroups: [...region.securityGroups],
    securityGroupRules: [...region.securityGroupRules],
    networkAcls: [...region.networkAcls],
    routeTables: [...region.routeTables],
    internetGateways: [...region.internetGateways],
    vpcPeeringConnections: [...region.vpcPeeringConnections],
    prefixLists: [...region.prefixLists],
    networkInterfaces: [...region.networkInterfaces],
    instances: [...region.instances],
    addresses: [...region.addresses],
    services: [...region.services],
  });
}

/** Membership and reference indexes of a group, which snapshot() cannot see. */
export function groupIndexes(region: Region, groupId: string) {
  return { members: [...region.groupMembers(groupId)].sort(), referencedBy: [...region.rulesReferencing(groupId)].sort() };
}

export const tcp = (from: number, to: number, cidrIp: string) => ({ ipProtocol: 'tcp', fromPort: from, toPort: to, ipRanges: [{ cidrIp }] });
