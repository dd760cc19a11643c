import { beforeAll, describe, expect, it } from 'vitest';
import { operationNames } from '../../src/ec2/model.js';
import { escapeXml, serializeError, serializeResponse } from '../../src/ec2/xml.js';
import { botocore, normalise, op, sample, type BotocoreResult } from './helpers.js';

const ACCOUNT = '123456789012';
const tcp22 = {
  IpProtocol: 'tcp',
  FromPort: 22,
  ToPort: 22,
  IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'ssh from the office' }],
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: [{ GroupId: 'sg-0123456789abcdef1', UserId: ACCOUNT }],
};

/** Realistic outputs of the actions the spec singles out; botocore must read each back unchanged. */
const CASES: Record<string, Record<string, unknown>> = {
  DescribeSecurityGroups: {
    SecurityGroups: [
      {
        GroupId: 'sg-0123456789abcdef0',
        GroupName: 'web',
        Description: 'Web tier',
        OwnerId: ACCOUNT,
        VpcId: 'vpc-0123456789abcdef0',
        SecurityGroupArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-0123456789abcdef0`,
        IpPermissions: [tcp22],
        IpPermissionsEgress: [
          { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
        ],
        Tags: [{ Key: 'Name', Value: 'web' }],
      },
      { GroupId: 'sg-0123456789abcdef1', GroupName: 'default', Description: 'default VPC security group', IpPermissions: [] },
    ],
    NextToken: 'token-2',
  },
  AuthorizeSecurityGroupIngress: {
    Return: true,
    SecurityGroupRules: [
      {
        SecurityGroupRuleId: 'sgr-0123456789abcdef0',
        GroupId: 'sg-0123456789abcdef0',
        GroupOwnerId: ACCOUNT,
        IsEgress: false,
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        CidrIpv4: '0.0.0.0/0',
        Description: 'https',
        Tags: [],
        SecurityGroupRuleArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group-rule/sgr-0123456789abcdef0`,
      },
      {
        SecurityGroupRuleId: 'sgr-0123456789abcdef1',
        GroupId: 'sg-0123456789abcdef0',
        IsEgress: false,
        IpProtocol: '-1',
        FromPort: -1,
        ToPort: -1,
        ReferencedGroupInfo: { GroupId: 'sg-0123456789abcdef1', UserId: ACCOUNT },
      },
    ],
  },
  DescribeNetworkAcls: {
    NetworkAcls: [
      {
        Associations: [
          { NetworkAclAssociationId: 'aclassoc-0123456789abcdef0', NetworkAclId: 'acl-0123456789abcdef0', SubnetId: 'subnet-0123456789abcdef0' },
        ],
        Entries: [
          { CidrBlock: '0.0.0.0/0', Egress: false, Protocol: '6', RuleAction: 'allow', RuleNumber: 100, PortRange: { From: 22, To: 22 } },
          { CidrBlock: '0.0.0.0/0', Egress: true, Protocol: '1', RuleAction: 'deny', RuleNumber: 110, IcmpTypeCode: { Type: 8, Code: -1 } },
          { CidrBlock: '0.0.0.0/0', Egress: false, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32767 },
        ],
        IsDefault: true,
        NetworkAclId: 'acl-0123456789abcdef0',
        Tags: [],
        VpcId: 'vpc-0123456789abcdef0',
        OwnerId: ACCOUNT,
      },
    ],
  },
  CreateVpc: {
    Vpc: {
      CidrBlock: '10.0.0.0/16',
      DhcpOptionsId: 'dopt-0123456789abcdef0',
      State: 'pending',
      VpcId: 'vpc-0123456789abcdef0',
      OwnerId: ACCOUNT,
      InstanceTenancy: 'default',
      Ipv6CidrBlockAssociationSet: [],
      CidrBlockAssociationSet: [
        { AssociationId: 'vpc-cidr-assoc-0123456789abcdef0', CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } },
      ],
      IsDefault: false,
      Tags: [{ Key: 'Name', Value: 'main' }],
    },
  },
  RunInstances: {
    ReservationId: 'r-0123456789abcdef0',
    OwnerId: ACCOUNT,
    Groups: [],
    Instances: [
      {
        InstanceId: 'i-0123456789abcdef0',
        ImageId: 'ami-0123456789abcdef0',
        State: { Code: 0, Name: 'pending' },
        PrivateDnsName: 'ip-10-0-0-5.ec2.internal',
        PublicDnsName: '',
        StateTransitionReason: '',
        AmiLaunchIndex: 0,
        InstanceType: 't3.micro',
        LaunchTime: new Date('2026-01-02T03:04:05.000Z'),
        Placement: { AvailabilityZone: 'us-east-1a', Tenancy: 'default' },
        Monitoring: { State: 'disabled' },
        SubnetId: 'subnet-0123456789abcdef0',
        VpcId: 'vpc-0123456789abcdef0',
        PrivateIpAddress: '10.0.0.5',
        SourceDestCheck: true,
        SecurityGroups: [{ GroupName: 'web', GroupId: 'sg-0123456789abcdef0' }],
        NetworkInterfaces: [
          {
            NetworkInterfaceId: 'eni-0123456789abcdef0',
            Attachment: {
              AttachmentId: 'eni-attach-0123456789abcdef0',
              AttachTime: new Date('2026-01-02T03:04:05.123Z'),
              DeleteOnTermination: true,
              DeviceIndex: 0,
              Status: 'attaching',
            },
            Groups: [{ GroupName: 'web', GroupId: 'sg-0123456789abcdef0' }],
            PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: '10.0.0.5' }],
            SourceDestCheck: true,
            Status: 'in-use',
            InterfaceType: 'interface',
          },
        ],
        Tags: [{ Key: 'Name', Value: 'app' }],
      },
    ],
  },
  DescribeNetworkInsightsAnalyses: {
    NetworkInsightsAnalyses: [
      {
        NetworkInsightsAnalysisId: 'nia-0123456789abcdef0',
        NetworkInsightsAnalysisArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:network-insights-analysis/nia-0123456789abcdef0`,
        NetworkInsightsPathId: 'nip-0123456789abcdef0',
        StartDate: new Date('2026-01-02T03:04:05.678Z'),
        Status: 'succeeded',
        NetworkPathFound: false,
        ForwardPathComponents: [
          {
            SequenceNumber: 1,
            Component: { Id: 'eni-0123456789abcdef0', Arn: `arn:aws:ec2:us-east-1:${ACCOUNT}:network-interface/eni-0123456789abcdef0` },
            OutboundHeader: {
              DestinationAddresses: ['10.0.1.5'],
              DestinationPortRanges: [{ From: 22, To: 22 }],
              Protocol: '6',
              SourceAddresses: ['10.0.0.5'],
              SourcePortRanges: [{ From: 0, To: 65535 }],
            },
            SecurityGroupRule: { Cidr: '0.0.0.0/0', Direction: 'egress', SecurityGroupId: 'sg-0123456789abcdef0', Protocol: 'all' },
          },
          {
            SequenceNumber: 2,
            Component: { Id: 'acl-0123456789abcdef0' },
            AclRule: { Cidr: '0.0.0.0/0', Egress: true, Protocol: 'all', RuleAction: 'allow', RuleNumber: 100 },
          },
        ],
        ReturnPathComponents: [],
        Explanations: [
          {
            ExplanationCode: 'ENI_SG_RULES_MISMATCH',
            Direction: 'ingress',
            NetworkInterface: { Id: 'eni-0123456789abcdef1' },
            SecurityGroups: [{ Id: 'sg-0123456789abcdef1' }, { Id: 'sg-0123456789abcdef2' }],
            Vpc: { Id: 'vpc-0123456789abcdef0' },
            Cidrs: ['10.0.0.5/32'],
            PortRanges: [{ From: 22, To: 22 }],
            Protocols: ['tcp'],
          },
          {
            ExplanationCode: 'SUBNET_ACL_RESTRICTION',
            Acl: { Id: 'acl-0123456789abcdef1' },
            AclRule: { Cidr: '0.0.0.0/0', Egress: false, Protocol: 'all', RuleAction: 'deny', RuleNumber: 32767 },
            Subnet: { Id: 'subnet-0123456789abcdef1' },
          },
        ],
        Tags: [],
      },
    ],
  },
};

// Everything a client cannot reproduce is replaced: control characters become U+FFFD (see xml.ts).
const TRICKY_TEXT = `a & b < c > d " e ' f\r\ng\th\u0001i\u0000j\uD800k\uFFFEl 😀 \u2028`;
const TRICKY_READ = `a & b < c > d " e ' f\r\ng\th\uFFFDi\uFFFDj\uFFFDk\uFFFDl 😀 \u2028`;

let result: BotocoreResult;
const allOutputs = operationNames().filter((name) => op(name).output);
const fullSample = (name: string) => {
  const { output } = op(name);
  return Object.fromEntries(Object.entries(output!.members).map(([m, ref]) => [m, sample(ref, m)]));
};

beforeAll(() => {
  const responses = [
    ...Object.entries(CASES).map(([operation, output]) => ({
      operation,
      status: 200,
      body: serializeResponse(op(operation), output, `req-${operation}`),
    })),
    {
      operation: 'DescribeSecurityGroups',
      status: 200,
      body: serializeResponse(op('DescribeSecurityGroups'), { SecurityGroups: [{ Description: TRICKY_TEXT }] }, 'req-tricky'),
    },
    { operation: 'CreateNetworkAclEntry', status: 200, body: serializeResponse(op('CreateNetworkAclEntry'), undefined, 'req-void') },
    {
      operation: 'DeleteSecurityGroup',
      status: 400,
      body: serializeError('InvalidGroup.NotFound', "The security group 'sg-1' does not exist & <never> did", 'req-error'),
    },
    ...allOutputs.map((operation) => ({
      operation,
      status: 200,
      body: serializeResponse(op(operation), fullSample(operation), 'req-full'),
    })),
  ];
  result = botocore({ responses });
});

describe('EC2 XML responses, read back by botocore', () => {
  const names = Object.keys(CASES);
  names.forEach((name, i) => {
    it(`${name} round-trips through botocore's EC2QueryParser`, () => {
      const { $requestId, ...parsed } = result.responses[i]!;
      expect($requestId).toBe(`req-${name}`);
      expect(parsed).toEqual(normalise(CASES[name]));
    });
  });

  it('escapes markup and replaces characters XML 1.0 cannot carry', () => {
    const parsed = result.responses[names.length]!;
    expect(parsed.SecurityGroups).toEqual([{ Description: TRICKY_READ }]);
    expect(escapeXml('<a href="x">&\'</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('\r\u0007\uDFFF')).toBe('&#xD;\uFFFD\uFFFD');
  });

  it('an action without an output shape answers <return>true</return>, which botocore accepts', () => {
    const xml = serializeResponse(op('CreateNetworkAclEntry'), undefined, 'req-void');
    expect(xml).toContain('<requestId>req-void</requestId><return>true</return></CreateNetworkAclEntryResponse>');
    expect(result.responses[names.length + 1]).toEqual({ $requestId: 'req-void' });
  });

  it("the error document gives botocore the code, the message and the RequestID", () => {
    expect(result.responses[names.length + 2]).toEqual({
      Error: { Code: 'InvalidGroup.NotFound', Message: "The security group 'sg-1' does not exist & <never> did" },
      $requestId: 'req-error',
    });
    expect(serializeError('AuthFailure', 'no', 'r1')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>AuthFailure</Code><Message>no</Message>' +
        '</Error></Errors><RequestID>r1</RequestID></Response>',
    );
  });

  it(`every one of the ${allOutputs.length} output shapes, filled in full, round-trips`, () => {
    const offset = names.length + 3;
    allOutputs.forEach((name, i) => {
      const { $requestId, ...parsed } = result.responses[offset + i]!;
      expect($requestId, name).toBe('req-full');
      expect(parsed, name).toEqual(normalise(fullSample(name)));
    });
  });
});

describe('EC2 XML layout', () => {
  it('puts requestId first, then members in model order named by locationName, list items in <item>', () => {
    const output = {
      NextToken: 't',
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          Description: 'd',
          IpPermissions: [{ IpProtocol: 'tcp', UserIdGroupPairs: [{ GroupId: 'sg-2', UserId: '1' }], Ipv6Ranges: [] }],
          Tags: [{ Key: 'Name', Value: 'web' }],
        },
      ],
    };
    // Model order, not AWS's usual order: botocore's SecurityGroup lists GroupId before GroupName and
    // Description; clients find elements by name, so the order does not matter to them.
    expect(serializeResponse(op('DescribeSecurityGroups'), output, 'r')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>' +
        '<nextToken>t</nextToken><securityGroupInfo><item><groupId>sg-1</groupId>' +
        '<tagSet><item><key>Name</key><value>web</value></item></tagSet><groupDescription>d</groupDescription>' +
        '<ipPermissions><item><ipProtocol>tcp</ipProtocol><groups><item><userId>1</userId><groupId>sg-2</groupId></item></groups>' +
        '<ipv6Ranges/></item></ipPermissions></item></securityGroupInfo></DescribeSecurityGroupsResponse>',
    );
  });

  it('writes timestamps as ISO 8601 with milliseconds and booleans as true/false', () => {
    const xml = serializeResponse(op('RunInstances'), CASES.RunInstances, 'r-1');
    expect(xml).toContain('<launchTime>2026-01-02T03:04:05.000Z</launchTime>');
    expect(xml).toContain('<sourceDestCheck>true</sourceDestCheck>');
    expect(xml).toContain('<instanceState><code>0</code><name>pending</name></instanceState>');
  });

  it('refuses members the output does not have and values of the wrong type', () => {
    expect(() => serializeResponse(op('CreateVpc'), { Vpcs: [] }, 'r')).toThrow(/Vpcs is not a member/);
    expect(() => serializeResponse(op('CreateVpc'), { Vpc: { IsDefault: 'no' } }, 'r')).toThrow(/not a boolean/);
    expect(() => serializeResponse(op('DescribeVpcs'), { Vpcs: {} }, 'r')).toThrow(/expected a list/);
  });
});
