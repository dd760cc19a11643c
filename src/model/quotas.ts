// Amazon VPC quotas (Amazon VPC User Guide, "Amazon VPC quotas"). All are defaults AWS lets accounts raise,
// so every one is configurable: pass overrides when creating a Region.

export interface Quotas {
  /** VPC security groups per Region (not per VPC) */
  securityGroupsPerRegion: number;
  /** inbound rules per group, counted separately for IPv4 and IPv6; likewise outbound */
  rulesPerSecurityGroup: number;
  /** security groups per network interface (adjustable up to 16) */
  securityGroupsPerInterface: number;
  /** rules per group × groups per interface may not exceed this */
  rulesTimesGroupsPerInterface: number;
  /** network ACLs per VPC */
  networkAclsPerVpc: number;
  /** entries per network ACL, per direction (adjustable up to 40) */
  networkAclEntriesPerDirection: number;
  /** IPv4 CIDR blocks per VPC (primary + secondary) */
  ipv4CidrBlocksPerVpc: number;
  /** IPv6 CIDR blocks per VPC */
  ipv6CidrBlocksPerVpc: number;
  /** VPCs per Region */
  vpcsPerRegion: number;
  /** route tables per VPC, routes per route table */
  routeTablesPerVpc: number;
  routesPerRouteTable: number;
  /** entries in a customer-managed prefix list */
  prefixListMaxEntries: number;
}

export const DEFAULT_QUOTAS: Readonly<Quotas> = Object.freeze({
  securityGroupsPerRegion: 2500,
  rulesPerSecurityGroup: 60,
  securityGroupsPerInterface: 5,
  rulesTimesGroupsPerInterface: 1000,
  networkAclsPerVpc: 200,
  networkAclEntriesPerDirection: 20,
  ipv4CidrBlocksPerVpc: 5,
  ipv6CidrBlocksPerVpc: 5,
  vpcsPerRegion: 5,
  routeTablesPerVpc: 200,
  routesPerRouteTable: 50,
  prefixListMaxEntries: 1000,
});

export function resolveQuotas(overrides: Partial<Quotas> = {}): Quotas {
  const q = { ...DEFAULT_QUOTAS, ...overrides };
  for (const [k, v] of Object.entries(q)) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`quota ${k} must be a non-negative integer, got ${v}`);
  }
  return q;
}

/** Block sizes AWS allows (Amazon VPC User Guide, "VPC CIDR blocks"): IPv4 /16–/28; IPv6 VPC /56, subnet /64. */
export const CIDR_LIMITS = {
  ipv4MinPrefix: 16,
  ipv4MaxPrefix: 28,
  ipv6VpcPrefix: 56,
  ipv6SubnetPrefix: 64,
} as const;

/** Connection tracking idle timeouts (Amazon EC2 User Guide, "Idle connection tracking timeout"). */
export const CONNTRACK_TIMEOUTS = {
  tcpEstablished: { default: 432000, min: 60, max: 432000 },
  udpStream: { default: 180, min: 60, max: 180 },
  udp: { default: 30, min: 30, max: 60 },
  /** protocols other than TCP, UDP and ICMP: responses accepted within 600 s */
  other: 600,
  /**
   * Not documented by AWS; rampart's choices, following Linux conntrack whose semantics AWS's resemble:
   * ICMP request/response pairs 30 s; a TCP connection that has not completed its handshake 120 s;
   * a TCP connection after FIN from both sides or RST ends at once.
   */
  icmp: 30,
  tcpUnestablished: 120,
} as const;

/** Reserved group and ACL rule numbers. */
export const NACL_RULE_MIN = 1;
export const NACL_RULE_MAX = 32766;
export const NACL_DEFAULT_RULE_V4 = 32767;
export const NACL_DEFAULT_RULE_V6 = 32768;
