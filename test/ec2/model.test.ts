import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ec2Model, operation, operationNames, queryNameOf, xmlNameOf } from '../../src/ec2/model.js';

// shared/spec/ec2-api.md, "Actions" (less STS GetCallerIdentity, which is not an EC2 action).
const SPEC_ACTIONS = `CreateSecurityGroup DeleteSecurityGroup DescribeSecurityGroups DescribeSecurityGroupRules
AuthorizeSecurityGroupIngress AuthorizeSecurityGroupEgress RevokeSecurityGroupIngress RevokeSecurityGroupEgress
ModifySecurityGroupRules UpdateSecurityGroupRuleDescriptionsIngress UpdateSecurityGroupRuleDescriptionsEgress
DescribeSecurityGroupReferences DescribeStaleSecurityGroups GetSecurityGroupsForVpc CreateNetworkAcl DeleteNetworkAcl
CreateNetworkAclEntry ReplaceNetworkAclEntry DeleteNetworkAclEntry DescribeNetworkAcls ReplaceNetworkAclAssociation
CreateVpc DeleteVpc DescribeVpcs AssociateVpcCidrBlock CreateDefaultVpc CreateSubnet DeleteSubnet DescribeSubnets
ModifySubnetAttribute CreateNetworkInterface DeleteNetworkInterface DescribeNetworkInterfaces AttachNetworkInterface
DetachNetworkInterface ModifyNetworkInterfaceAttribute AssignPrivateIpAddresses RunInstances DescribeInstances
TerminateInstances ModifyInstanceAttribute DescribeInstanceAttribute CreateVpcPeeringConnection
AcceptVpcPeeringConnection RejectVpcPeeringConnection DeleteVpcPeeringConnection DescribeVpcPeeringConnections
CreateRouteTable DeleteRouteTable DescribeRouteTables AssociateRouteTable DisassociateRouteTable
ReplaceRouteTableAssociation CreateRoute ReplaceRoute DeleteRoute CreateInternetGateway AttachInternetGateway
DetachInternetGateway DeleteInternetGateway DescribeInternetGateways AllocateAddress AssociateAddress
CreateManagedPrefixList DescribeManagedPrefixLists ModifyManagedPrefixList DeleteManagedPrefixList
GetManagedPrefixListEntries CreateTags DeleteTags DescribeTags CreateFlowLogs DescribeFlowLogs DeleteFlowLogs
DescribeAvailabilityZones DescribeRegions DescribeAccountAttributes CreateNetworkInsightsPath
DescribeNetworkInsightsPaths DeleteNetworkInsightsPath StartNetworkInsightsAnalysis DescribeNetworkInsightsAnalyses
DeleteNetworkInsightsAnalysis`.split(/\s+/);

describe('pruned EC2 model', () => {
  it('holds exactly the actions of the spec', () => {
    expect(operationNames().sort()).toEqual([...SPEC_ACTIONS].sort());
  });

  it('carries no documentation and every shape it refers to', () => {
    const text = readFileSync(new URL('../../src/ec2/model/ec2-model.json', import.meta.url), 'utf8');
    expect(text).not.toContain('"documentation"');
    const { shapes } = ec2Model();
    for (const [name, shape] of Object.entries(shapes)) {
      const refs =
        shape.type === 'structure' ? Object.values(shape.members) : shape.type === 'list' ? [shape.member] : [];
      for (const ref of refs) expect(shapes[ref.shape], `${name} -> ${ref.shape}`).toBeDefined();
    }
  });

  it('ships with the Apache-2.0 licence and a NOTICE that says it was modified', () => {
    const license = readFileSync(new URL('../../src/ec2/model/LICENSE', import.meta.url), 'utf8');
    const notice = readFileSync(new URL('../../src/ec2/model/NOTICE', import.meta.url), 'utf8');
    expect(license).toContain('Apache License');
    expect(license).toContain('Version 2.0, January 2004');
    expect(notice).toContain('Modified by rampart: pruned to the operations rampart serves; documentation removed.');
  });

  it('gives no two members of a structure the same wire name, on input or output', () => {
    for (const [name, shape] of Object.entries(ec2Model().shapes)) {
      if (shape.type !== 'structure') continue;
      const members = Object.entries(shape.members);
      expect(new Set(members.map(([m, r]) => queryNameOf(m, r))).size, name).toBe(members.length);
      expect(new Set(members.map(([m, r]) => xmlNameOf(m, r))).size, name).toBe(members.length);
    }
  });

  it('finds operations by exact name only', () => {
    expect(operation('DescribeSecurityGroups')?.output).toBeDefined();
    expect(operation('CreateNetworkAclEntry')?.output).toBeUndefined();
    for (const name of ['describeSecurityGroups', 'constructor', 'toString', '__proto__', 'GetCallerIdentity']) {
      expect(operation(name), name).toBeUndefined();
    }
  });
});
