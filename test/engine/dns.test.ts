import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { parseIpv4 } from '../../src/net/index.js';
import { Region } from '../../src/state/region.js';

describe('Amazon DNS address', () => {
  it('is the primary VPC block base + 2 only, not base + 2 of a secondary block', () => {
    const region = new Region({ defaultVpc: false });
    const vpc = region.createVpc({ cidrBlock: '10.0.0.0/16' });
    region.associateVpcCidrBlock(vpc.id, { cidrBlock: '10.1.0.0/16' });
    const engine = new Engine(region);
    expect(engine.unfilteredService(vpc.id, 4, parseIpv4('10.0.0.2'))).toBe('Amazon DNS');
    expect(engine.unfilteredService(vpc.id, 4, parseIpv4('10.1.0.2'))).toBeUndefined();
  });
});
