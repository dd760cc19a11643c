// Spec §1: every resource has an AWS-shaped id; ids are deterministic for a seed and never repeat.
import { describe, expect, it } from 'vitest';
import { IdGenerator, isIdOf } from '../../src/model/ids.js';
import { Region } from '../../src/state/region.js';

describe('ids', () => {
  it('ids are a prefix and 17 lowercase hex digits', () => {
    const g = new IdGenerator(7);
    for (let i = 0; i < 100; i++) expect(g.id('sgr')).toMatch(/^sgr-[0-9a-f]{17}$/);
  });

  it('ids never repeat, even across hundreds of thousands of resources', () => {
    const g = new IdGenerator(1);
    const seen = new Set<string>();
    for (let i = 0; i < 300_000; i++) seen.add(g.id('sg'));
    expect(seen.size).toBe(300_000);
  });

  it('the same seed gives the same ids; another seed other ids', () => {
    const a = new Region({ seed: 3 });
    const b = new Region({ seed: 3 });
    const c = new Region({ seed: 4 });
    expect([...a.vpcs.keys()]).toEqual([...b.vpcs.keys()]);
    expect([...a.securityGroupRules.keys()]).toEqual([...b.securityGroupRules.keys()]);
    expect([...a.vpcs.keys()]).not.toEqual([...c.vpcs.keys()]);
  });

  it('the generator state can be saved and restored', () => {
    const g = new IdGenerator(9);
    g.id('vpc');
    const saved = g.state;
    const next = g.id('vpc');
    const h = new IdGenerator(1);
    h.state = saved;
    expect(h.id('vpc')).toBe(next);
  });

  it('isIdOf accepts the 8- and 17-digit forms of the right type only', () => {
    expect(isIdOf('sg', 'sg-0123456789abcdef0')).toBe(true);
    expect(isIdOf('sg', 'sg-01234567')).toBe(true);
    expect(isIdOf('sg', 'sg-0123456789ABCDEF0')).toBe(false);
    expect(isIdOf('sg', 'sg-123')).toBe(false);
    expect(isIdOf('sg', 'sgr-0123456789abcdef0')).toBe(false);
    expect(isIdOf('eni', 'eni-attach-0123456789abcdef0')).toBe(false);
  });
});
