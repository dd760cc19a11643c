// README "Endpoints": NAME[:PORT[/PROTOCOL]] or NAME:PROTOCOL, ids, addresses, [IPv6]:PORT/PROTOCOL, internet.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { parseTarget, TargetError } from '../../src/scenario/targets.js';
import { AwsError } from '../../src/model/errors.js';

const text = `vpcs:
  prod:
    cidr: 10.0.0.0/16
    ipv6: true
    internetGateway: true
    subnets:
      public:   { cidr: 10.0.1.0/24, public: true, ipv6Cidr: auto }
      public-b: { cidr: 10.0.3.0/24, public: true, az: us-east-1b }
      private:  { cidr: 10.0.2.0/24 }
    securityGroups:
      web: {}
instances:
  web: { subnet: public, groups: [web], privateIp: 10.0.1.10, secondaryIps: 1, ipv6: true }
  db:  { subnet: private, privateIp: 10.0.2.20 }
resources:
  lb: { type: alb, subnets: [public, public-b], internetFacing: true }
`;
const s = loadScenario(text, 'targets.yaml');
const t = (spec: string) => parseTarget(spec, s.names, s.region);
const eni = (name: string, i = 0) => s.names.endpoints.get(name)![i];

function targetError(spec: string): TargetError {
  let caught: unknown;
  try {
    t(spec);
  } catch (e) {
    caught = e;
  }
  expect(caught, `'${spec}' should be refused`).toBeInstanceOf(TargetError);
  return caught as TargetError;
}

describe('parseTarget: names, ports and protocols', () => {
  it('`web` is the primary interface of the instance, with no port or protocol', () => {
    expect(t('web')).toEqual({ endpoint: { kind: 'eni', networkInterfaceId: eni('web') }, label: 'web' });
  });

  it('`db:5432/tcp` has port 5432 and protocol 6', () => {
    expect(t('db:5432/tcp')).toEqual({ endpoint: { kind: 'eni', networkInterfaceId: eni('db') }, label: 'db', port: 5432, protocol: 6 });
  });

  it('`web:443` is TCP by default', () => {
    expect(t('web:443')).toMatchObject({ port: 443, protocol: 6 });
  });

  it('`web:53/udp` is UDP', () => {
    expect(t('web:53/udp')).toMatchObject({ port: 53, protocol: 17 });
  });

  it('`db:icmp` is ICMP with no port and no type', () => {
    const x = t('db:icmp');
    expect(x.protocol).toBe(1);
    expect(x.port).toBeUndefined();
    expect(x.icmpType).toBeUndefined();
  });

  it('`db:8/icmp` is ICMP type 8 (not a port)', () => {
    const x = t('db:8/icmp');
    expect(x).toMatchObject({ protocol: 1, icmpType: 8 });
    expect(x.port).toBeUndefined();
  });

  it('`web:icmpv6` is protocol 58', () => {
    expect(t('web:icmpv6').protocol).toBe(58);
  });

  it('`lb#2` is the second interface of a resource; `lb` and `lb#1` the first', () => {
    expect(t('lb#2')).toEqual({ endpoint: { kind: 'eni', networkInterfaceId: eni('lb', 1) }, label: 'lb#2' });
    expect(t('lb#2:443')).toMatchObject({ endpoint: { networkInterfaceId: eni('lb', 1) }, port: 443, protocol: 6 });
    expect(t('lb').endpoint).toEqual({ kind: 'eni', networkInterfaceId: eni('lb', 0) });
    expect(t('lb#1').endpoint).toEqual({ kind: 'eni', networkInterfaceId: eni('lb', 0) });
  });

  it('`eni-…` and `i-…` ids resolve to the interface, labelled with its scenario name', () => {
    expect(t(eni('db'))).toEqual({ endpoint: { kind: 'eni', networkInterfaceId: eni('db') }, label: 'db' });
    expect(t(`${s.names.instances.get('web')!}:22/tcp`)).toEqual({ endpoint: { kind: 'eni', networkInterfaceId: eni('web') }, label: 'web', port: 22, protocol: 6 });
  });
});

describe('parseTarget: addresses and the internet', () => {
  it('a private address is the interface holding it (primary or secondary), sending from that address', () => {
    expect(t('10.0.2.20:5432/tcp')).toEqual({ endpoint: { kind: 'eni', networkInterfaceId: eni('db'), address: '10.0.2.20' }, label: 'db (10.0.2.20)', port: 5432, protocol: 6 });
    const secondary = s.region.getNetworkInterface(eni('web')).privateIpAddresses[1].privateIpAddress;
    expect(t(secondary).endpoint).toEqual({ kind: 'eni', networkInterfaceId: eni('web'), address: secondary });
  });

  it('an interface\'s IPv6 address, bare or in brackets with a port, is that interface', () => {
    const v6 = s.region.getNetworkInterface(eni('web')).ipv6Addresses[0];
    expect(t(v6).endpoint).toEqual({ kind: 'eni', networkInterfaceId: eni('web'), address: v6 });
    expect(t(`[${v6}]:443/tcp`)).toMatchObject({ endpoint: { kind: 'eni', networkInterfaceId: eni('web'), address: v6 }, port: 443, protocol: 6 });
  });

  it('any other address is on the internet with that address', () => {
    expect(t('203.0.113.7')).toEqual({ endpoint: { kind: 'internet', address: '203.0.113.7' }, label: 'internet 203.0.113.7' });
    expect(t('203.0.113.7:22/tcp')).toMatchObject({ endpoint: { kind: 'internet', address: '203.0.113.7' }, port: 22, protocol: 6 });
  });

  it('`[2001:db8::1]:443/tcp` is an IPv6 internet address with a port', () => {
    expect(t('[2001:db8::1]:443/tcp')).toEqual({ endpoint: { kind: 'internet', address: '2001:db8::1' }, label: 'internet 2001:db8::1', port: 443, protocol: 6 });
    expect(t('[2001:db8::1]').endpoint).toEqual({ kind: 'internet', address: '2001:db8::1' });
  });

  it('`internet` is the internet with no fixed address', () => {
    expect(t('internet')).toEqual({ endpoint: { kind: 'internet' }, label: 'internet' });
    expect(t('internet:443/tcp')).toMatchObject({ endpoint: { kind: 'internet' }, port: 443, protocol: 6 });
  });
});

describe('parseTarget: TargetError messages', () => {
  it('an unknown name lists the known ones', () => {
    expect(targetError('nosuch').message).toBe("no instance, interface or resource named 'nosuch' (known: web, db, lb)");
    expect(targetError('dns:53/udp').message).toContain("no instance, interface or resource named 'dns'");
  });

  it('a port above 65535 is out of range', () => {
    expect(targetError('web:70000').message).toBe("'web:70000': port 70000 out of range 0-65535");
    expect(targetError('web:70000/udp').message).toContain('port 70000 out of range');
  });

  it('an unknown protocol is named', () => {
    expect(targetError('web:443/tpc').message).toBe("'web:443/tpc': unknown protocol 'tpc'");
    expect(targetError('web:tpc').message).toContain('expected PORT/PROTOCOL (5432/tcp) or a protocol (icmp)');
  });

  it('an interface number past the resource\'s interfaces, an empty spec and an unclosed bracket are refused', () => {
    expect(targetError('lb#3').message).toBe("'lb#3': lb has 2 network interface(s)");
    expect(targetError('lb#0').message).toContain('lb has 2 network interface(s)');
    expect(targetError('').message).toBe('empty endpoint');
    expect(targetError('[2001:db8::1:443').message).toContain("missing ']'");
  });

  it('an unknown eni- id is AWS\'s InvalidNetworkInterfaceID.NotFound', () => {
    let caught: unknown;
    try {
      t('eni-0123456789abcdef0');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AwsError);
    expect((caught as AwsError).code).toBe('InvalidNetworkInterfaceID.NotFound');
  });
});
