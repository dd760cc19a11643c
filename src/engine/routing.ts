// Route selection (Amazon VPC User Guide, "Route priority"): the most specific route that matches the
// destination wins (longest prefix match); prefix-list routes count as their entries.
import { parseCidr, type Family } from '../net/index.js';
import type { Route, RouteTable } from '../model/types.js';
import type { Region } from '../state/region.js';

interface Candidate {
  family: Family;
  lo: number | bigint;
  hi: number | bigint;
  prefix: number;
  route: Route;
}

export class CompiledRoutes {
  valid = true;
  private readonly candidates: Candidate[];
  constructor(region: Region, readonly table: RouteTable) {
    const c: Candidate[] = [];
    for (const route of table.routes) {
      const cidrs = route.destinationPrefixListId
        ? (region.prefixLists.get(route.destinationPrefixListId)?.entries ?? []).map((e) => e.cidr)
        : [(route.destinationCidrBlock ?? route.destinationIpv6CidrBlock)!];
      for (const text of cidrs) {
        const p = parseCidr(text);
        c.push({ family: p.family, lo: p.first, hi: p.last, prefix: p.prefix, route });
      }
    }
    // most specific first; among equals, the local route first (it cannot be overridden by an equal route)
    c.sort((a, b) => b.prefix - a.prefix || Number(b.route.target.kind === 'local') - Number(a.route.target.kind === 'local'));
    this.candidates = c;
  }

  /** Where the IPv4 routes' ranges start and end (for analyses that cut the address space at every edge). */
  edges4(): number[] {
    const out: number[] = [];
    for (const c of this.candidates) {
      if (c.family !== 4) continue;
      out.push(c.lo as number);
      if ((c.hi as number) < 0xffffffff) out.push((c.hi as number) + 1);
    }
    return out;
  }

  lookup(family: Family, addr: number | bigint): Route | undefined {
    for (const c of this.candidates) if (c.family === family && addr >= c.lo && addr <= c.hi) return c.route;
    return undefined;
  }
}

export function routeDestinationText(r: Route): string {
  return (r.destinationCidrBlock ?? r.destinationIpv6CidrBlock ?? r.destinationPrefixListId)!;
}

export function routeTargetText(r: Route): string {
  const t = r.target;
  switch (t.kind) {
    case 'local':
      return 'local';
    case 'igw':
      return t.gatewayId;
    case 'pcx':
      return t.vpcPeeringConnectionId;
    case 'eni':
      return t.networkInterfaceId;
    case 'instance':
      return t.instanceId;
    case 'nat':
      return t.natGatewayId;
    case 'other':
      return t.targetId;
  }
}
