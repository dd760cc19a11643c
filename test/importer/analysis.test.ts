// The imported network is one the rest of rampart works on: the packet engine, probes and the reach questions
// answer on it by the real ids.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { probe } from '../../src/engine/probe.js';
import { Reachability } from '../../src/analysis/reach.js';
import { Questions } from '../../src/analysis/questions.js';
import { importSources } from '../../src/importer/index.js';
import { ACCOUNT_DIR } from './helpers.js';

const region = importSources([ACCOUNT_DIR]).regions[0].state;
const engine = new Engine(region);
const eni = (id: string) => ({ kind: 'eni' as const, networkInterfaceId: id });
const WEB = 'eni-0a0a0a0a0a0a00001';
const DB = 'eni-0a0a0a0a0a0a00003';
const APP = 'eni-0a0a0a0a0a0a00004';
const ALB_C = 'eni-0a0a0a0a0a0a00007';

describe('probe and reach on an imported account', () => {
  it('web reaches PostgreSQL on the db instance: its group allows the web group, the private ACL allows 10.0.0.0/16', () => {
    const r = probe(engine, { from: eni(WEB), to: eni(DB), protocol: 6, port: 5432 });
    expect(r.reachable).toBe(true);
    const rules = r.forward.hops.flatMap((h) => JSON.stringify(h)).join(' ');
    expect(rules).toContain('sgr-0000000abc000000a');
  });

  it('the load balancer in 10.0.3.0/24 does not: the ACL denies it first (rule 90), and the db group does not allow its group', () => {
    const r = probe(engine, { from: eni(ALB_C), to: eni(DB), protocol: 6, port: 5432 });
    expect(r.reachable).toBe(false);
    const codes = r.explanations.map((e) => e.code);
    expect(codes).toContain('SUBNET_ACL_RESTRICTION');
    expect(codes).toContain('ENI_SG_RULES_MISMATCH');
  });

  it('across the imported peering, the shared app reaches the db (routes both ways, rule 110 of the ACL)', () => {
    expect(probe(engine, { from: eni(APP), to: eni(DB), protocol: 6, port: 5432 }).reachable).toBe(true);
    expect(probe(engine, { from: eni(APP), to: eni(DB), protocol: 6, port: 5433 }).reachable).toBe(false);
  });

  it('the internet reaches web on 443 at its real Elastic IP, through the imported gateway', () => {
    const r = probe(engine, { from: { kind: 'internet', address: '192.0.2.77' }, to: eni(WEB), protocol: 6, port: 443 });
    expect(r.reachable).toBe(true);
    expect(JSON.stringify(r.forward.hops)).toContain('igw-0e5f6a7b8c9d0e1f2');
    // SSH only from the offices' prefix list
    expect(probe(engine, { from: { kind: 'internet', address: '192.0.2.77' }, to: eni(WEB), protocol: 6, port: 22 }).reachable).toBe(false);
    expect(probe(engine, { from: { kind: 'internet', address: '203.0.113.9' }, to: eni(WEB), protocol: 6, port: 22 }).reachable).toBe(true);
  });

  it('who can reach the db: the web tier, the web admin interface, the shared app, not the load balancer', () => {
    const q = new Questions(new Reachability(engine));
    const who = q.whoCanReach(DB).flatMap((r) => r.networkInterfaceIds);
    expect(who).toEqual(expect.arrayContaining([WEB, APP]));
    expect(who).not.toContain(ALB_C);
  });
});
