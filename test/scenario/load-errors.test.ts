// README "Scenario files": "Errors point to the line and speak AWS's terms". Every expected line number is
// computed from the text under test.
import { describe, expect, it } from 'vitest';
import { loadScenario, ScenarioError } from '../../src/scenario/load.js';
import { expectAt, lineOf, scenarioError } from './helpers.js';

/** A small VPC with one subnet `a`; `extra` is appended (indented as written). */
const base = (extra: string) => `vpcs:
  prod:
    cidr: 10.0.0.0/16
    subnets:
      a: { cidr: 10.0.1.0/24 }
${extra}`;

const withGroup = (rules: string) => base(`    securityGroups:
      web:
        inbound:
${rules}`);

describe('scenario errors: AWS error codes at the offending line', () => {
  it('a malformed CIDR in a rule is InvalidParameterValue at the rule\'s line (README: "CIDR block 10.0.0.1 is malformed")', () => {
    const text = withGroup(`          - { protocol: tcp, ports: 443, from: 0.0.0.0/0 }
          - { protocol: tcp, ports: 22, from: 10.0.0.1 }
`);
    const err = scenarioError(() => loadScenario(text, 'web-db.yaml'));
    expectAt(err, 'web-db.yaml', lineOf(text, 'from: 10.0.0.1'), 'InvalidParameterValue');
    expect(err.message).toBe(`web-db.yaml:${lineOf(text, 'from: 10.0.0.1')}: InvalidParameterValue: CIDR block 10.0.0.1 is malformed`);
  });

  it('an out-of-range octet or prefix in a rule CIDR is InvalidParameterValue too', () => {
    for (const bad of ['10.0.0.300/24', '10.0.0.0/33']) {
      const text = withGroup(`          - { protocol: tcp, ports: 22, from: ${bad} }\n`);
      const err = scenarioError(() => loadScenario(text, 's.yaml'));
      expectAt(err, 's.yaml', lineOf(text, bad), 'InvalidParameterValue');
      expect(err.message).toContain(`CIDR block ${bad} is malformed`);
    }
  });

  it('a malformed VPC CIDR is InvalidParameterValue at the cidr line', () => {
    const text = 'vpcs:\n  prod:\n    cidr: 10.0.0.1/16\n';
    const err = scenarioError(() => loadScenario(text, 'v.yaml'));
    expectAt(err, 'v.yaml', lineOf(text, 'cidr: 10.0.0.1/16'), 'InvalidParameterValue');
    expect(err.message).toContain('10.0.0.1/16');
  });

  it('a VPC block outside /16–/28 is InvalidVpc.Range', () => {
    const text = 'vpcs:\n  big:\n    cidr: 10.0.0.0/8\n';
    expectAt(scenarioError(() => loadScenario(text, 'v.yaml')), 'v.yaml', lineOf(text, '10.0.0.0/8'), 'InvalidVpc.Range');
  });

  it('a duplicate rule is InvalidPermission.Duplicate at the second rule\'s line', () => {
    const text = withGroup(`          - { protocol: tcp, ports: 443, from: 0.0.0.0/0 }
          - { protocol: tcp, ports: 443, from: 0.0.0.0/0, description: again }
`);
    const err = scenarioError(() => loadScenario(text, 'd.yaml'));
    expectAt(err, 'd.yaml', lineOf(text, 'description: again'), 'InvalidPermission.Duplicate');
    expect(err.message).toContain('already exists');
  });

  it('a port outside 0–65535 in a rule is InvalidParameterValue', () => {
    const text = withGroup('          - { protocol: tcp, ports: 70000, from: 0.0.0.0/0 }\n');
    const err = scenarioError(() => loadScenario(text, 'p.yaml'));
    expectAt(err, 'p.yaml', lineOf(text, '70000'), 'InvalidParameterValue');
    expect(err.message).toContain('70000');
  });

  it('a rule without a peer is InvalidParameterValue "Missing source specification"', () => {
    const text = withGroup('          - { protocol: tcp, ports: 80 }\n');
    const err = scenarioError(() => loadScenario(text, 'p.yaml'));
    expectAt(err, 'p.yaml', lineOf(text, 'ports: 80'), 'InvalidParameterValue');
    expect(err.message).toContain('Missing source specification');
  });

  it('NACL rule number 0 (and 32767) is InvalidParameterValue: rule numbers are 1–32766', () => {
    for (const n of [0, 32767]) {
      const text = base(`    networkAcls:
      x:
        inbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
          - { rule: ${n}, protocol: all, cidr: 10.0.0.0/8, action: deny }
`);
      const err = scenarioError(() => loadScenario(text, 'n.yaml'));
      expectAt(err, 'n.yaml', lineOf(text, `rule: ${n},`), 'InvalidParameterValue');
      expect(err.message).toContain(`Invalid value '${n}' for ruleNumber`);
    }
  });

  it('a malformed NACL CIDR is InvalidParameterValue at the entry', () => {
    const text = base(`    networkAcls:
      x:
        outbound:
          - { rule: 10, protocol: all, cidr: 10.0.0.300/24, action: allow }
`);
    expectAt(scenarioError(() => loadScenario(text, 'n.yaml')), 'n.yaml', lineOf(text, '10.0.0.300'), 'InvalidParameterValue');
  });

  it('overlapping subnets are InvalidSubnet.Conflict at the second subnet', () => {
    const text = base('      b: { cidr: 10.0.1.128/25 }\n');
    const err = scenarioError(() => loadScenario(text, 'o.yaml'));
    expectAt(err, 'o.yaml', lineOf(text, '10.0.1.128/25'), 'InvalidSubnet.Conflict');
    expect(err.message).toContain("The CIDR '10.0.1.128/25' conflicts with another subnet");
  });

  it('a private IP outside the subnet, or in its reserved first four, is InvalidParameterValue at the instance', () => {
    for (const ip of ['10.0.2.10', '10.0.1.2']) {
      const text = base(`instances:\n  web: { subnet: a, privateIp: ${ip} }\n`);
      expectAt(scenarioError(() => loadScenario(text, 'i.yaml')), 'i.yaml', lineOf(text, `privateIp: ${ip}`), 'InvalidParameterValue');
    }
  });

  it('ipv6Cidr: auto in a VPC without IPv6 says to set ipv6: true', () => {
    const text = 'vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.1.0/24, ipv6Cidr: auto }\n';
    const err = scenarioError(() => loadScenario(text, 'i.yaml'));
    expectAt(err, 'i.yaml', lineOf(text, 'ipv6Cidr: auto'), 'InvalidParameterValue');
    expect(err.message).toContain('ipv6: true');
  });
});

describe('scenario errors: names and keys', () => {
  it('an unknown key in a rule is named, with the keys it could be', () => {
    const text = withGroup('          - { protocol: tcp, prots: 443, from: 0.0.0.0/0 }\n');
    const err = scenarioError(() => loadScenario(text, 'k.yaml'));
    expectAt(err, 'k.yaml', lineOf(text, 'prots'));
    expect(err.message).toContain("unknown key 'prots'");
    expect(err.message).toContain('protocol, ports');
  });

  it('an unknown key in a VPC points at the key\'s own line', () => {
    const text = base('    internetGatway: true\n');
    const err = scenarioError(() => loadScenario(text, 'k.yaml'));
    expectAt(err, 'k.yaml', lineOf(text, 'internetGatway'));
    expect(err.message).toContain("unknown key 'internetGatway' in vpcs.prod");
  });

  it('an unknown key in a subnet and in an instance are refused', () => {
    const t1 = 'vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.1.0/24, zone: us-east-1a }\n';
    expect(scenarioError(() => loadScenario(t1, 'k.yaml')).message).toMatch(new RegExp(`^k\\.yaml:${lineOf(t1, 'zone:')}: unknown key 'zone' in vpcs\\.prod\\.subnets\\.a`));
    const t2 = base('instances:\n  web: { subnet: a, securityGroups: [web] }\n');
    expectAt(scenarioError(() => loadScenario(t2, 'k.yaml')), 'k.yaml', lineOf(t2, 'securityGroups: [web]'));
  });

  it('an unknown top-level section is refused with the list of sections', () => {
    const text = base('instancez:\n  web: { subnet: a }\n');
    const err = scenarioError(() => loadScenario(text, 'k.yaml'));
    expectAt(err, 'k.yaml', lineOf(text, 'instancez'));
    expect(err.message).toContain("unknown section 'instancez'");
    expect(err.message).toContain('instances');
  });

  it('in block style, an error about a whole instance points at its name and a rule error at the rule\'s first line', () => {
    const inst = base('instances:\n  web:\n    subnet: a\n    privateIp: 10.0.2.10\n');
    expectAt(scenarioError(() => loadScenario(inst, 'b.yaml')), 'b.yaml', lineOf(inst, 'web:'), 'InvalidParameterValue');
    const rule = withGroup('          - protocol: tcp\n            ports: 22\n            from: 10.0.0.1\n');
    expectAt(scenarioError(() => loadScenario(rule, 'b.yaml')), 'b.yaml', lineOf(rule, '- protocol: tcp'), 'InvalidParameterValue');
  });

  it('an unknown group name in a rule names the group and the VPC', () => {
    const text = withGroup('          - { protocol: tcp, ports: 443, from: nosuch }\n');
    const err = scenarioError(() => loadScenario(text, 'g.yaml'));
    expectAt(err, 'g.yaml', lineOf(text, 'from: nosuch'));
    expect(err.message).toContain("no security group named 'nosuch' in VPC prod");
  });

  it('an unknown group name on an instance points at the group in the list', () => {
    const text = base('instances:\n  web:\n    subnet: a\n    groups:\n      - nosuch\n');
    const err = scenarioError(() => loadScenario(text, 'g.yaml'));
    expectAt(err, 'g.yaml', lineOf(text, '- nosuch'));
    expect(err.message).toContain("no security group named 'nosuch'");
  });

  it('an unknown subnet names the known ones', () => {
    const text = base('instances:\n  web:\n    subnet: b\n');
    const err = scenarioError(() => loadScenario(text, 's.yaml'));
    expectAt(err, 's.yaml', lineOf(text, 'subnet: b'));
    expect(err.message).toContain("no subnet named 'b' (known: a)");
  });

  it('an unknown prefix list, route table, network ACL, peering VPC or resource type is named', () => {
    const cases: [string, string, string][] = [
      [withGroup('          - { protocol: tcp, ports: 22, from: pl:office }\n'), 'pl:office', "no prefix list named 'office'"],
      ['vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.1.0/24, routeTable: nosuch }\n', 'routeTable: nosuch', "no route table named 'nosuch' in VPC prod"],
      ['vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.1.0/24, networkAcl: nosuch }\n', 'networkAcl: nosuch', "no network ACL named 'nosuch' in VPC prod"],
      ['vpcs:\n  a: { cidr: 10.0.0.0/16 }\npeerings:\n  ab:\n    requester: a\n    accepter: c\n', 'accepter: c', "no VPC named 'c' (known: a)"],
      [base('resources:\n  x:\n    type: foo\n    subnets: [a]\n'), 'type: foo', "unknown resource type 'foo'"],
      [base('    routeTables:\n      r:\n        routes:\n          - { destination: 0.0.0.0/0, target: igw }\n'), 'target: igw', 'the VPC has no internet gateway'],
    ];
    for (const [text, needle, message] of cases) {
      const err = scenarioError(() => loadScenario(text, 'n.yaml'));
      expect(err.line, `${message}: ${err.message}`).toBe(lineOf(text, needle));
      expect(err.message).toContain(message);
    }
  });

  it('a name used twice for endpoints is refused at the second', () => {
    const text = base('instances:\n  x: { subnet: a }\nresources:\n  x: { type: rds, subnets: [a] }\n');
    const err = scenarioError(() => loadScenario(text, 'd.yaml'));
    expectAt(err, 'd.yaml', lineOf(text, 'x: { type: rds'));
    expect(err.message).toContain("the name 'x' is used twice");
  });

  it('an unknown protocol in a rule is named', () => {
    const text = withGroup('          - { protocol: tpc, ports: 1, from: 0.0.0.0/0 }\n');
    const err = scenarioError(() => loadScenario(text, 'p.yaml'));
    expectAt(err, 'p.yaml', lineOf(text, 'tpc'));
    expect(err.message).toContain("unknown protocol 'tpc'");
  });
});

describe('scenario errors: YAML and JSON syntax, peering of overlapping VPCs', () => {
  it('a YAML syntax error is a ScenarioError at the line of the error', () => {
    const text = 'vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets: { a: [ }\n';
    const err = scenarioError(() => loadScenario(text, 'y.yaml'));
    expect(err.line).toBe(lineOf(text, 'subnets: { a: [ }'));
    expect(err.message.startsWith(`y.yaml:${err.line}: `)).toBe(true);
  });

  it('bad indentation and duplicate keys are YAML errors at their line', () => {
    const bad = 'vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n   oops: 1\n';
    expect(scenarioError(() => loadScenario(bad, 'y.yaml')).line).toBe(lineOf(bad, 'oops'));
    const dup = 'vpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    cidr: 10.1.0.0/16\n';
    const err = scenarioError(() => loadScenario(dup, 'y.yaml'));
    expect(err.line).toBe(lineOf(dup, '10.1.0.0/16'));
    expect(err.message).toMatch(/unique/);
  });

  it('a document that is not a mapping is refused at line 1', () => {
    for (const text of ['- a\n- b\n', '', 'just a string\n']) {
      const err = scenarioError(() => loadScenario(text, 'e.yaml'));
      expect(err.line).toBe(1);
      expect(err.message).toContain('a scenario is a mapping');
    }
  });

  it('a peering of VPCs with overlapping CIDR blocks fails, at the peering\'s line', () => {
    const text = 'vpcs:\n  a: { cidr: 10.0.0.0/16 }\n  b: { cidr: 10.0.128.0/17 }\npeerings:\n  ab: { requester: a, accepter: b }\n';
    const err = scenarioError(() => loadScenario(text, 'p.yaml'));
    expectAt(err, 'p.yaml', lineOf(text, 'ab: {'));
    expect(err.message).toContain('overlapping CIDR blocks');
  });

  it('an unknown peering status is refused at the status line', () => {
    const text = 'vpcs:\n  a: { cidr: 10.0.0.0/16 }\n  b: { cidr: 10.1.0.0/16 }\npeerings:\n  ab:\n    requester: a\n    accepter: b\n    status: bogus\n';
    const err = scenarioError(() => loadScenario(text, 'p.yaml'));
    expectAt(err, 'p.yaml', lineOf(text, 'status: bogus'));
  });

  it('JSON scenarios load, and their errors point to the JSON line too', () => {
    const good = JSON.stringify({ vpcs: { prod: { cidr: '10.0.0.0/16', subnets: { a: { cidr: '10.0.1.0/24' } } } }, instances: { web: { subnet: 'a' } } }, null, 2);
    const s = loadScenario(good, 's.json');
    expect(s.names.vpcs.get('prod')).toMatch(/^vpc-/);
    expect(s.names.endpoints.get('web')).toHaveLength(1);

    const bad = JSON.stringify({ vpcs: { prod: { cidr: '10.0.0.0/16', securityGroups: { web: { inbound: [{ protocol: 'tcp', ports: 22, from: '10.0.0.1' }] } } } } }, null, 2);
    const err = scenarioError(() => loadScenario(bad, 's.json'));
    // the rule's line: its opening brace, right after `"inbound": [`
    expectAt(err, 's.json', lineOf(bad, '"inbound": [') + 1, 'InvalidParameterValue');

    const syntax = '{\n  "vpcs": {\n    "prod": { "cidr": "10.0.0.0/16" }\n  ,,\n}\n';
    expect(scenarioError(() => loadScenario(syntax, 's.json')).line).toBe(lineOf(syntax, ',,'));
  });

  it('an invalid quota combination is reported at the quotas line', () => {
    const text = 'vpcs: {}\nquotas: { rulesPerSecurityGroup: 500 }\n';
    const err = scenarioError(() => loadScenario(text, 'q.yaml'));
    expect(err).toBeInstanceOf(ScenarioError);
    expect(err.line).toBe(lineOf(text, 'quotas:'));
    expect(err.message).toContain('1000');
  });
});
