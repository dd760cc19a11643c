// The package's public surface: what the README's library section promises is exported from 'rampart'.
import { describe, expect, it } from 'vitest';
import * as rampart from '../src/index.js';

describe('the library API', () => {
  it('exports the engine, the reach questions, scenarios, the generator and the server', () => {
    for (const name of ['Region', 'Engine', 'probe', 'Reachability', 'Questions', 'diffReach', 'loadScenario', 'simulate', 'generateEstate', 'parseTarget', 'startServer', 'AwsError', 'parseIpv4', 'parseCidr', 'NumberSet', 'INTERNET_V4']) {
      expect(rampart, name).toHaveProperty(name);
    }
  });

  it('answers a who-can-reach question end to end from the exports alone', () => {
    const s = rampart.loadScenario(`
vpcs:
  v:
    cidr: 10.0.0.0/16
    subnets: { a: { cidr: 10.0.1.0/24 } }
    securityGroups:
      web: {}
      db: { inbound: [{ protocol: tcp, ports: 5432, from: web }] }
instances:
  web: { subnet: a, groups: [web] }
  db: { subnet: a, groups: [db] }
`);
    const q = new rampart.Questions(new rampart.Reachability(new rampart.Engine(s.region)));
    const rows = q.whoCanReach(s.names.endpoints.get('db')![0]);
    expect(rows.map((r) => `${r.role}: ${rampart.formatSummary(r.ports, 253)}`)).toEqual(['web @ a: tcp 5432']);
    // the role matrix, compact and as cells
    const m = q.roleMatrix();
    const cells = Array.from({ length: m.size }, (_, k) => rampart.cellAt(m, k));
    expect(cells.map((c) => `${c.from} → ${c.to}: ${rampart.formatSummary(c.ports, 253)} (${c.fromInterfaces}×${c.toInterfaces})`)).toEqual(['web @ a → db @ a: tcp 5432 (1×1)']);
    expect(q.matrix()).toEqual(cells);
  });
});
