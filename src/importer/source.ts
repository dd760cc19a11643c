// What an import reads: AWS CLI describe-* output (or terraform JSON turned into the same shapes), item by item,
// each remembering the file and JSON path it came from, so anything that cannot be imported is reported there.

/** A JSON object as the AWS CLI prints it (PascalCase members). */
export type J = Record<string, unknown>;

/**
 * `skipped`: something of the account is not in the result (exit status 1);
 * `note`: imported, with something worth knowing (an id regenerated, an address allocated, a duplicate merged).
 */
export interface ImportWarning {
  kind: 'skipped' | 'note';
  file: string;
  /** JSON path inside the file, `$.SecurityGroups[2].IpPermissions[0]` */
  path: string;
  message: string;
}

export interface Item {
  item: J;
  file: string;
  path: string;
}

/** The top-level keys of describe-* output rampart understands, and the command that prints each. */
export const DESCRIBE_KEYS = {
  Vpcs: 'aws ec2 describe-vpcs',
  Subnets: 'aws ec2 describe-subnets',
  SecurityGroups: 'aws ec2 describe-security-groups',
  SecurityGroupRules: 'aws ec2 describe-security-group-rules',
  NetworkAcls: 'aws ec2 describe-network-acls',
  RouteTables: 'aws ec2 describe-route-tables',
  InternetGateways: 'aws ec2 describe-internet-gateways',
  VpcPeeringConnections: 'aws ec2 describe-vpc-peering-connections',
  PrefixLists: 'aws ec2 describe-prefix-lists',
  ManagedPrefixLists: 'aws ec2 describe-managed-prefix-lists',
  Entries: 'aws ec2 get-managed-prefix-list-entries',
  NetworkInterfaces: 'aws ec2 describe-network-interfaces',
  Reservations: 'aws ec2 describe-instances',
  Addresses: 'aws ec2 describe-addresses',
  NatGateways: 'aws ec2 describe-nat-gateways',
  DBInstances: 'aws rds describe-db-instances',
  LoadBalancers: 'aws elbv2 describe-load-balancers',
  LoadBalancerDescriptions: 'aws elb describe-load-balancers',
} as const;
export type DescribeKey = keyof typeof DESCRIBE_KEYS;

/** Members the CLI adds around the data, which carry nothing to import. */
export const ENVELOPE_KEYS = new Set(['NextToken', 'ResponseMetadata', 'Marker', 'NextMarker']);

/** Everything read for one account and Region. */
export class Snapshot {
  readonly items = new Map<DescribeKey, Item[]>();
  /** prefix list id -> entries (get-managed-prefix-list-entries, or `Entries` inside a ManagedPrefixLists item) */
  readonly prefixListEntries = new Map<string, Item[]>();
  /** terraform: ids of a VPC's default group, ACL and main route table (known from aws_vpc attributes) */
  readonly vpcDefaults = new Map<string, { securityGroupId?: string; networkAclId?: string; mainRouteTableId?: string }>();
  constructor(
    public account: string | undefined,
    public region: string | undefined,
  ) {}
  add(key: DescribeKey, it: Item): void {
    let l = this.items.get(key);
    if (!l) this.items.set(key, (l = []));
    l.push(it);
  }
  list(key: DescribeKey): Item[] {
    return this.items.get(key) ?? [];
  }
  get size(): number {
    let n = 0;
    for (const l of this.items.values()) n += l.length;
    return n;
  }
}

// ------------------------------------------------------------------ reading JSON members safely

export function str(o: J | undefined, k: string): string | undefined {
  const v = o?.[k];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}
export function num(o: J | undefined, k: string): number | undefined {
  const v = o?.[k];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}
export function bool(o: J | undefined, k: string): boolean | undefined {
  const v = o?.[k];
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}
export function arr(o: J | undefined, k: string): J[] {
  const v = o?.[k];
  return Array.isArray(v) ? (v.filter((x) => x !== null && typeof x === 'object') as J[]) : [];
}
export function strs(o: J | undefined, k: string): string[] {
  const v = o?.[k];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
export function obj(o: J | undefined, k: string): J | undefined {
  const v = o?.[k];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as J) : undefined;
}
export function isObj(v: unknown): v is J {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** AWS `Tags: [{Key, Value}]` (RDS: `TagList`) as rampart tags. */
export function tagsOf(o: J | undefined, k = 'Tags'): { key: string; value: string }[] {
  return arr(o, k)
    .filter((t) => typeof t.Key === 'string')
    .map((t) => ({ key: t.Key as string, value: typeof t.Value === 'string' ? t.Value : '' }));
}

export function nameTag(o: J | undefined, k = 'Tags'): string | undefined {
  return tagsOf(o, k).find((t) => t.key === 'Name')?.value;
}
