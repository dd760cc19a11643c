import { describe, expect, it } from 'vitest';
import { Ec2ProtocolError } from '../../src/ec2/errors.js';
import { operationNames } from '../../src/ec2/model.js';
import { parseQuery, QUERY_LIMITS, type QueryStructure } from '../../src/ec2/query.js';
import { botocore, normalise, op, sample } from './helpers.js';

const parse = (action: string, params: Record<string, string>): QueryStructure =>
  parseQuery(op(action), new Map(Object.entries(params)));

function errorOf(action: string, params: Record<string, string> | Iterable<[string, string]>): Ec2ProtocolError {
  try {
    parseQuery(op(action), Symbol.iterator in params ? params : new Map(Object.entries(params)));
  } catch (e) {
    if (e instanceof Ec2ProtocolError) return e;
    throw e;
  }
  throw new Error('expected an Ec2ProtocolError');
}

describe('EC2 Query wire names that trip naive parsers', () => {
  it('AuthorizeSecurityGroupIngress: UserIdGroupPairs travel as IpPermissions.N.Groups.N', () => {
    // IpPermission.UserIdGroupPairs has locationName "groups", so the wire name is "Groups".
    expect(
      parse('AuthorizeSecurityGroupIngress', {
        GroupId: 'sg-1',
        'IpPermissions.1.IpProtocol': 'tcp',
        'IpPermissions.1.FromPort': '22',
        'IpPermissions.1.ToPort': '22',
        'IpPermissions.1.IpRanges.1.CidrIp': '10.0.0.0/8',
        'IpPermissions.1.IpRanges.1.Description': 'ssh',
        'IpPermissions.1.Groups.1.GroupId': 'sg-2',
        'IpPermissions.1.Groups.1.UserId': '123456789012',
        'IpPermissions.2.IpProtocol': '-1',
        'IpPermissions.2.Ipv6Ranges.1.CidrIpv6': '::/0',
        'IpPermissions.2.PrefixListIds.1.PrefixListId': 'pl-1',
      }),
    ).toEqual({
      GroupId: 'sg-1',
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'ssh' }],
          UserIdGroupPairs: [{ GroupId: 'sg-2', UserId: '123456789012' }],
        },
        { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }], PrefixListIds: [{ PrefixListId: 'pl-1' }] },
      ],
    });
    expect(errorOf('AuthorizeSecurityGroupIngress', { 'IpPermissions.1.UserIdGroupPairs.1.GroupId': 'sg-2' })).toMatchObject({
      code: 'UnknownParameter',
      message: 'The parameter IpPermissions.1.UserIdGroupPairs.1.GroupId is not recognized',
    });
  });

  it('AuthorizeSecurityGroupIngress: the legacy flat form', () => {
    expect(
      parse('AuthorizeSecurityGroupIngress', {
        GroupName: 'web',
        IpProtocol: 'tcp',
        FromPort: '80',
        ToPort: '80',
        CidrIp: '0.0.0.0/0',
        SourceSecurityGroupName: 'lb',
      }),
    ).toEqual({ GroupName: 'web', IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0', SourceSecurityGroupName: 'lb' });
  });

  it('CreateSecurityGroup: Description travels as GroupDescription', () => {
    expect(parse('CreateSecurityGroup', { GroupName: 'web', GroupDescription: 'Web tier', VpcId: 'vpc-1' })).toEqual({
      GroupName: 'web',
      Description: 'Web tier',
      VpcId: 'vpc-1',
    });
    expect(errorOf('CreateSecurityGroup', { GroupName: 'web', Description: 'x' }).code).toBe('UnknownParameter');
  });

  it('CreateNetworkAclEntry: IcmpTypeCode travels as Icmp.Type / Icmp.Code, PortRange as PortRange.From / .To', () => {
    expect(
      parse('CreateNetworkAclEntry', {
        NetworkAclId: 'acl-1',
        RuleNumber: '100',
        Protocol: '1',
        RuleAction: 'allow',
        Egress: 'false',
        CidrBlock: '0.0.0.0/0',
        'Icmp.Type': '8',
        'Icmp.Code': '-1',
        'PortRange.From': '0',
        'PortRange.To': '65535',
      }),
    ).toEqual({
      NetworkAclId: 'acl-1',
      RuleNumber: 100,
      Protocol: '1',
      RuleAction: 'allow',
      Egress: false,
      CidrBlock: '0.0.0.0/0',
      IcmpTypeCode: { Type: 8, Code: -1 },
      PortRange: { From: 0, To: 65535 },
    });
    expect(errorOf('CreateNetworkAclEntry', { 'IcmpTypeCode.Type': '8' }).code).toBe('UnknownParameter');
  });

  it('CreateVpc: TagSpecification.N.Tag.N.Key', () => {
    expect(
      parse('CreateVpc', {
        CidrBlock: '10.0.0.0/16',
        'TagSpecification.1.ResourceType': 'vpc',
        'TagSpecification.1.Tag.1.Key': 'Name',
        'TagSpecification.1.Tag.1.Value': 'main',
        'TagSpecification.1.Tag.2.Key': 'env',
        'TagSpecification.1.Tag.2.Value': '',
      }),
    ).toEqual({
      CidrBlock: '10.0.0.0/16',
      TagSpecifications: [
        {
          ResourceType: 'vpc',
          Tags: [
            { Key: 'Name', Value: 'main' },
            { Key: 'env', Value: '' },
          ],
        },
      ],
    });
  });

  it('DescribeSecurityGroups: Filter.N.Value.N, GroupId.N with gaps kept in index order', () => {
    expect(
      parse('DescribeSecurityGroups', {
        'Filter.1.Name': 'group-name',
        'Filter.1.Value.2': 'db',
        'Filter.1.Value.1': 'web',
        'Filter.2.Name': 'tag:env',
        'Filter.2.Value.1': 'prod',
        'GroupId.10': 'sg-10',
        'GroupId.2': 'sg-2',
        'GroupId.7': 'sg-7',
        MaxResults: '5',
      }),
    ).toEqual({
      Filters: [
        { Name: 'group-name', Values: ['web', 'db'] },
        { Name: 'tag:env', Values: ['prod'] },
      ],
      GroupIds: ['sg-2', 'sg-7', 'sg-10'],
      MaxResults: 5,
    });
  });

  it('RunInstances: SecurityGroupId.N, and NetworkInterface.N.SecurityGroupId.N for an interface', () => {
    expect(
      parse('RunInstances', {
        ImageId: 'ami-1',
        MinCount: '1',
        MaxCount: '2',
        InstanceType: 't3.micro',
        'SecurityGroupId.1': 'sg-1',
        'SecurityGroupId.2': 'sg-2',
        SubnetId: 'subnet-1',
        'NetworkInterface.1.DeviceIndex': '1',
        'NetworkInterface.1.SubnetId': 'subnet-2',
        'NetworkInterface.1.SecurityGroupId.1': 'sg-3',
        'NetworkInterface.1.PrivateIpAddresses.1.PrivateIpAddress': '10.0.0.5',
        'NetworkInterface.1.PrivateIpAddresses.1.Primary': 'true',
      }),
    ).toEqual({
      ImageId: 'ami-1',
      MinCount: 1,
      MaxCount: 2,
      InstanceType: 't3.micro',
      SecurityGroupIds: ['sg-1', 'sg-2'],
      SubnetId: 'subnet-1',
      NetworkInterfaces: [
        {
          DeviceIndex: 1,
          SubnetId: 'subnet-2',
          Groups: ['sg-3'],
          PrivateIpAddresses: [{ PrivateIpAddress: '10.0.0.5', Primary: true }],
        },
      ],
    });
  });

  it('ModifyInstanceAttribute: GroupId.N (not SecurityGroupId.N), SourceDestCheck.Value, base64 UserData.Value', () => {
    const parsed = parse('ModifyInstanceAttribute', {
      InstanceId: 'i-1',
      'GroupId.1': 'sg-1',
      'GroupId.2': 'sg-2',
      'SourceDestCheck.Value': 'False',
      'UserData.Value': Buffer.from('#!/bin/sh\n').toString('base64'),
    });
    expect(normalise(parsed)).toEqual({
      InstanceId: 'i-1',
      Groups: ['sg-1', 'sg-2'],
      SourceDestCheck: { Value: false },
      UserData: { Value: { $blob: Buffer.from('#!/bin/sh\n').toString('base64') } },
    });
    expect(errorOf('ModifyInstanceAttribute', { InstanceId: 'i-1', 'SecurityGroupId.1': 'sg-1' }).code).toBe('UnknownParameter');
    expect(errorOf('ModifyInstanceAttribute', { InstanceId: 'i-1', 'UserData.Value': 'not base64!' })).toMatchObject({
      code: 'InvalidParameterValue',
      message: "Value (not base64!) for parameter UserData.Value is invalid. Expected: 'Blob'.",
    });
  });

  it('ModifySecurityGroupRules: SecurityGroupRule.N.SecurityGroupRule.CidrIpv4', () => {
    expect(
      parse('ModifySecurityGroupRules', {
        GroupId: 'sg-1',
        'SecurityGroupRule.1.SecurityGroupRuleId': 'sgr-1',
        'SecurityGroupRule.1.SecurityGroupRule.IpProtocol': 'tcp',
        'SecurityGroupRule.1.SecurityGroupRule.FromPort': '443',
        'SecurityGroupRule.1.SecurityGroupRule.ToPort': '443',
        'SecurityGroupRule.1.SecurityGroupRule.CidrIpv4': '10.0.0.0/8',
      }),
    ).toEqual({
      GroupId: 'sg-1',
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-1',
          SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '10.0.0.0/8' },
        },
      ],
    });
  });

  it('DescribeNetworkInsightsAnalyses and GetManagedPrefixListEntries: timestamps and longs', () => {
    expect(
      parse('DescribeNetworkInsightsAnalyses', {
        AnalysisStartTime: '2026-01-02T03:04:05.678Z',
        AnalysisEndTime: '1767323045',
      }),
    ).toEqual({
      AnalysisStartTime: new Date('2026-01-02T03:04:05.678Z'),
      AnalysisEndTime: new Date(1767323045 * 1000),
    });
    expect(parse('GetManagedPrefixListEntries', { PrefixListId: 'pl-1', TargetVersion: '9007199254740991' })).toEqual({
      PrefixListId: 'pl-1',
      TargetVersion: 9007199254740991,
    });
  });

  it('ignores the common and authentication parameters', () => {
    expect(
      parse('DescribeVpcs', {
        Action: 'DescribeVpcs',
        Version: '2016-11-15',
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Credential': 'AKID/20260101/us-east-1/ec2/aws4_request',
        'X-Amz-Date': '20260101T000000Z',
        'X-Amz-SignedHeaders': 'host',
        'X-Amz-Signature': 'abc',
        'X-Amz-Security-Token': 'tok',
        AWSAccessKeyId: 'AKID',
        Signature: 'sig',
        SignatureMethod: 'HmacSHA256',
        SignatureVersion: '2',
        Timestamp: '2026-01-01T00:00:00Z',
        Expires: '2026-01-01T00:05:00Z',
        'VpcId.1': 'vpc-1',
      }),
    ).toEqual({ VpcIds: ['vpc-1'] });
  });

  it('reads a form body through URLSearchParams; a repeated name keeps its first value', () => {
    const body = new URLSearchParams('Action=CreateSecurityGroup&GroupName=a%20b&GroupDescription=x%26y&GroupName=c');
    expect(parseQuery(op('CreateSecurityGroup'), body)).toEqual({ GroupName: 'a b', Description: 'x&y' });
  });

  it('reads `Name=` with no items as an empty list', () => {
    expect(parse('DescribeSecurityGroups', { GroupId: '' })).toEqual({ GroupIds: [] });
  });
});

describe('EC2 Query protocol errors', () => {
  it('UnknownParameter for names the operation does not have, at any depth', () => {
    expect(errorOf('DescribeVpcs', { Foo: '1' })).toMatchObject({
      code: 'UnknownParameter',
      message: 'The parameter Foo is not recognized',
    });
    const unknown: [string, string][] = [
      ['a nested member', 'IpPermissions.1.Bogus'],
      ['an index on a scalar', 'GroupName.1'],
      ['a member on a scalar', 'GroupName.Value'],
      ['a value on a structure', 'IpPermissions.1'],
      ['a name on a list', 'IpPermissions.first.IpProtocol'],
      ['a value on a list', 'IpPermissions'],
      ['an empty segment', 'IpPermissions..IpProtocol'],
      ['a trailing dot', 'GroupName.'],
      ['lower-case spelling', 'groupName'],
      ['the member name where the wire name differs', 'TagSpecifications.1.ResourceType'],
      ['a prototype key', '__proto__'],
      ['another', 'constructor.1'],
    ];
    for (const [label, name] of unknown) {
      expect(errorOf('AuthorizeSecurityGroupIngress', [[name, 'x']]), label).toMatchObject({
        code: 'UnknownParameter',
        message: `The parameter ${name} is not recognized`,
      });
    }
  });

  it('MissingParameter for required members, named by their wire names', () => {
    expect(errorOf('CreateSecurityGroup', { GroupDescription: 'x' })).toMatchObject({
      code: 'MissingParameter',
      message: 'The request must contain the parameter GroupName',
    });
    expect(errorOf('CreateSecurityGroup', { GroupName: 'x' }).message).toBe(
      'The request must contain the parameter GroupDescription',
    );
    expect(
      errorOf('ModifySecurityGroupRules', { GroupId: 'sg-1', 'SecurityGroupRule.1.SecurityGroupRule.CidrIpv4': '10.0.0.0/8' })
        .message,
    ).toBe('The request must contain the parameter SecurityGroupRule.1.SecurityGroupRuleId');
  });

  it('InvalidParameterValue for values that are not integers, booleans, enum members or timestamps', () => {
    expect(errorOf('AuthorizeSecurityGroupIngress', { GroupId: 'sg-1', FromPort: 'abc' })).toMatchObject({
      code: 'InvalidParameterValue',
      message: "Value (abc) for parameter FromPort is invalid. Expected: 'Integer'.",
    });
    const invalid: [string, Record<string, string>, string][] = [
      ['AuthorizeSecurityGroupIngress', { 'IpPermissions.1.FromPort': '1.5' }, "parameter IpPermissions.1.FromPort is invalid. Expected: 'Integer'."],
      ['AuthorizeSecurityGroupIngress', { FromPort: '' }, "Expected: 'Integer'."],
      ['AuthorizeSecurityGroupIngress', { FromPort: '0x10' }, "Expected: 'Integer'."],
      ['AuthorizeSecurityGroupIngress', { FromPort: '2147483648' }, "Expected: 'Integer'."],
      ['AuthorizeSecurityGroupIngress', { DryRun: 'yes' }, "parameter DryRun is invalid. Expected: 'Boolean'."],
      ['GetManagedPrefixListEntries', { PrefixListId: 'pl-1', TargetVersion: '9007199254740993' }, "Expected: 'Long'."],
      ['DescribeNetworkInsightsAnalyses', { AnalysisStartTime: 'yesterday' }, "Expected: 'Timestamp'."],
      [
        'CreateNetworkAclEntry',
        { NetworkAclId: 'acl-1', RuleNumber: '1', Protocol: '6', RuleAction: 'maybe', Egress: 'true' },
        'Value (maybe) for parameter RuleAction is invalid. Expected one of: allow, deny.',
      ],
      ['RunInstances', { MinCount: '1', MaxCount: '1', InstanceType: 't3.huge' }, 'Value (t3.huge) for parameter InstanceType is invalid.'],
    ];
    for (const [action, params, message] of invalid) {
      const e = errorOf(action, params);
      expect(e.code, JSON.stringify(params)).toBe('InvalidParameterValue');
      expect(e.message).toContain(message);
    }
    expect(parse('AuthorizeSecurityGroupIngress', { DryRun: 'TRUE', FromPort: '-1' })).toEqual({ DryRun: true, FromPort: -1 });
  });

  it('list indexes are positive integers up to the limit', () => {
    for (const index of ['0', '01', String(QUERY_LIMITS.listIndex + 1)]) {
      expect(errorOf('DescribeVpcs', { [`VpcId.${index}`]: 'vpc-1' }).code, index).toBe('InvalidParameterValue');
    }
    expect(errorOf('DescribeVpcs', { 'VpcId.-1': 'vpc-1' }).code).toBe('UnknownParameter');
    expect(parse('DescribeVpcs', { [`VpcId.${QUERY_LIMITS.listIndex}`]: 'vpc-1' })).toEqual({ VpcIds: ['vpc-1'] });
  });

  it('an unknown name is reported before a bad value, and a bad value before a missing member', () => {
    expect(errorOf('CreateNetworkAclEntry', { RuleNumber: 'x', Bogus: '1' }).code).toBe('UnknownParameter');
    expect(errorOf('CreateNetworkAclEntry', { RuleNumber: 'x' }).code).toBe('InvalidParameterValue');
  });

  it('bounds the number of parameters and the depth of a name', () => {
    const many = Array.from({ length: QUERY_LIMITS.parameters + 1 }, (_, i): [string, string] => [`VpcId.${i + 1}`, 'v']);
    expect(errorOf('DescribeVpcs', many)).toMatchObject({ code: 'InvalidParameterValue' });
    expect(parseQuery(op('DescribeVpcs'), many.slice(1)).VpcIds).toHaveLength(QUERY_LIMITS.parameters);
    const deep = Array.from({ length: QUERY_LIMITS.depth + 1 }, () => '1').join('.');
    expect(errorOf('DescribeVpcs', { [`Filter.${deep}`]: 'x' }).code).toBe('UnknownParameter');
    expect(errorOf('DescribeVpcs', { [`Foo${'x'.repeat(100_000)}`]: 'x' }).message.length).toBeLessThan(400);
  });
});

describe('every operation reads what botocore sends', () => {
  it('botocore EC2Serializer output for a full sample input parses back to that input', () => {
    const names = operationNames();
    const inputs = names.map((name) => {
      const { input } = op(name);
      return Object.fromEntries(
        Object.entries(input.members).map(([member, ref]) => [member, sample(ref, member)]),
      );
    });
    const { requests } = botocore({
      requests: names.map((name, i) => ({ operation: name, params: normalise(inputs[i]) })),
    });
    names.forEach((name, i) => {
      const params = new Map(Object.entries(requests[i]!));
      expect(normalise(parseQuery(op(name), params)), name).toEqual(normalise(inputs[i]));
    });
  });
});
