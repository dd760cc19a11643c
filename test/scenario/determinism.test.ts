// README: "seed: id generator seed: the same file gives the same ids".
import { describe, expect, it } from 'vitest';
import { loadScenario, type Names } from '../../src/scenario/load.js';
import { webDbText } from './helpers.js';

/** Every name → id mapping of a loaded scenario, plus every id in the Region. */
function idsOf(names: Names, region: ReturnType<typeof loadScenario>['region']) {
  return {
    vpcs: [...names.vpcs], subnets: [...names.subnets], groups: [...names.groups], networkAcls: [...names.networkAcls],
    routeTables: [...names.routeTables], endpoints: [...names.endpoints], instances: [...names.instances],
    rules: [...region.securityGroupRules.keys()], enis: [...region.networkInterfaces.keys()],
    publicIps: [...region.networkInterfaces.values()].map((e) => e.privateIpAddresses[0]?.association?.publicIp ?? null),
    macs: [...region.networkInterfaces.values()].map((e) => e.macAddress),
  };
}

describe('deterministic ids', () => {
  it('the same scenario loads to the same ids twice', () => {
    const a = loadScenario(webDbText(), 'web-db.yaml');
    const b = loadScenario(webDbText(), 'web-db.yaml');
    expect(idsOf(b.names, b.region)).toEqual(idsOf(a.names, a.region));
    expect(a.names.instances.get('web')).toMatch(/^i-[0-9a-f]{17}$/);
  });

  it('the same explicit seed gives the same ids', () => {
    const text = `seed: 42\n${webDbText()}`;
    const a = loadScenario(text, 'a.yaml');
    const b = loadScenario(text, 'a.yaml');
    expect(idsOf(b.names, b.region)).toEqual(idsOf(a.names, a.region));
  });

  it('a different seed: gives different ids (for every kind of resource)', () => {
    const a = loadScenario(`seed: 1\n${webDbText()}`, 'a.yaml');
    const b = loadScenario(`seed: 2\n${webDbText()}`, 'b.yaml');
    for (const map of ['vpcs', 'subnets', 'groups', 'networkAcls', 'routeTables', 'instances'] as const) {
      for (const [name, id] of a.names[map]) expect(b.names[map].get(name), `${map} ${name}`).not.toBe(id);
    }
    expect(b.names.endpoints.get('db')).not.toEqual(a.names.endpoints.get('db'));
    // but the same names, addresses and shape
    expect([...b.names.endpoints.keys()]).toEqual([...a.names.endpoints.keys()]);
    expect(b.region.getNetworkInterface(b.names.endpoints.get('db')![0]).privateIpAddresses[0].privateIpAddress).toBe('10.0.2.20');
  });

  it('no seed: is seed 1 (the RegionOptions seed applies when the file has none)', () => {
    const none = loadScenario(webDbText(), 'a.yaml');
    const one = loadScenario(`seed: 1\n${webDbText()}`, 'a.yaml');
    expect(idsOf(one.names, one.region)).toEqual(idsOf(none.names, none.region));
    const opt = loadScenario(webDbText(), 'a.yaml', { seed: 9 });
    const nine = loadScenario(`seed: 9\n${webDbText()}`, 'a.yaml');
    expect(idsOf(opt.names, opt.region)).toEqual(idsOf(nine.names, nine.region));
    expect(opt.names.vpcs.get('prod')).not.toBe(none.names.vpcs.get('prod'));
  });
});
