// Synthetic estates: a realistic multi-VPC AWS network (tiers, services, load balancers, databases, caches,
// queues, Lambda, endpoints, custom network ACLs, route tables, peerings) generated from a seed, written as a
// scenario file that `loadScenario` accepts. Used to exercise the engine and the analyses at scale.
//
// Every estate respects the loader's invariants and quotas: group rules stay within `maxRulesPerGroup` per
// direction and family (a group reference counts in both families, a prefix list its max entries), there are no
// duplicate rules, every CIDR is canonical, subnets fit in their VPC's blocks (secondary blocks are added when one
// /16 is not enough) and have room for their interfaces, NACLs stay within 20 entries per direction, and the
// `quotas:` section raises only what the estate legitimately needs (VPCs, blocks per VPC, routes per table).
//
// With `mistakes` the estate carries a few percent of the errors real estates have; `generateEstateReport`
// lists them (the scenario itself does not label them).
import { Document, isScalar, isSeq, stringify, visit } from 'yaml';

export interface GenerateOptions {
  /** target number of network interfaces (instances, standalone interfaces and service ENIs); default 1000 */
  enis?: number;
  /** PRNG seed; the same options give the same estate; default 1 */
  seed?: number;
  /** VPCs; default about one per 2,500 ENIs, at least 1 */
  vpcs?: number;
  /** security groups (besides each VPC's default group); default about enis/4, at most 2,500 */
  groups?: number;
  /** rules per group, per direction and address family; default and maximum 60 (the default quota) */
  maxRulesPerGroup?: number;
  /** custom network ACLs; default about enis/50, at most 199 per VPC (200 with the default ACL) */
  nacls?: number;
  /** peer the VPCs (hub and spokes, and some spoke pairs); default true when there is more than one VPC */
  peering?: boolean;
  /** put a few percent of typical mistakes in; default true */
  mistakes?: boolean;
  /** IPv6 blocks on the VPCs and subnets, IPv6 rules and NACL entries; default false */
  ipv6?: boolean;
}

export type MistakeKind =
  | 'world-admin' // SSH or RDP open to 0.0.0.0/0
  | 'world-database' // a database port open to 0.0.0.0/0 on instances without public addresses
  | 'unused-group' // a group nothing uses or references
  | 'nacl-no-ephemeral' // a custom NACL (with subnets) that lets no responses out to client ports 1024-65535
  | 'stale-reference' // rules that still allow the address space of a VPC whose peering was deleted
  | 'near-quota' // a group within two rules of the rules-per-group quota
  | 'missing-peering-route'; // an active peering with a route on one side only

export interface EstateMistake {
  kind: MistakeKind;
  vpc: string;
  /** the group, network ACL, peering or route table concerned */
  target: string;
  detail: string;
}

export interface EstateSummary {
  vpcs: number;
  subnets: number;
  securityGroups: number;
  /** declared security group rules (inbound + outbound) */
  rules: number;
  networkAcls: number;
  networkInterfaces: number;
  instances: number;
  interfaces: number;
  resources: number;
  /** resources by type */
  resourceTypes: Record<string, number>;
  peerings: { active: number; deleted: number };
  routeTables: number;
  mistakes: EstateMistake[];
}

/** The scenario as plain data (what `generateEstate` writes as YAML). */
export type EstateData = Record<string, unknown>;

// ------------------------------------------------------------------ constants

/** loader defaults the generator keeps within */
const RULES_QUOTA = 60;
const GROUPS_QUOTA = 2500;
const NACLS_PER_VPC_QUOTA = 200;
const NACL_ENTRIES_QUOTA = 20;
const VPCS_QUOTA = 5;
const BLOCKS_QUOTA = 5;
const ROUTES_QUOTA = 50;
/** a subnet takes at most this many interfaces before the next one of its tier and AZ opens */
const SUBNET_SPLIT = 16000;
/** Amazon-provided IPv6 /56 holds 256 /64 subnets */
const IPV6_SUBNETS_PER_VPC = 256;

const AZ_LETTERS = ['a', 'b', 'c'];
const REGION = 'us-east-1';
const PRIVATE_POOLS: [number, number][] = [
  [0x0a000000, 2 ** 24], // 10.0.0.0/8
  [0xac100000, 2 ** 20], // 172.16.0.0/12
  [0xc0a80000, 2 ** 16], // 192.168.0.0/16
];
const OFFICE = ['203.0.113.0/26', '203.0.113.64/26'];
const OFFICE_MAX = 4;
const VPN = ['100.64.0.0/16'];
const VPN_MAX = 2;
const BLOCKLIST = '198.18.0.0/15';

const VPC_NAMES = ['prod', 'payments', 'analytics', 'staging', 'platform', 'retail', 'identity', 'logistics', 'media', 'labs'];
const APP_WORDS = [
  'orders', 'billing', 'catalog', 'checkout', 'inventory', 'shipping', 'search', 'profile', 'accounts', 'ledger',
  'pricing', 'reviews', 'loyalty', 'notify', 'reports', 'session', 'upload', 'ingest', 'routing', 'quotes', 'claims',
  'tickets', 'support', 'portal', 'matching', 'fraud', 'ratings', 'storefront', 'warehouse', 'invoices', 'refunds',
  'tracking', 'scoring', 'mailer', 'scheduler', 'workflow', 'audit', 'exports', 'imports', 'booking', 'rental',
  'forecast', 'metrics', 'tenant', 'partner', 'wallet', 'survey', 'journey', 'content', 'payroll',
];
const ENDPOINT_SERVICES = ['ssm', 'ecr-api', 'sts', 'logs', 'kms'];

type DbEngine = 'postgres' | 'mysql' | 'mssql' | 'mongodb';
const DB_PORT: Record<DbEngine, number> = { postgres: 5432, mysql: 3306, mssql: 1433, mongodb: 27017 };
const DB_LABEL: Record<DbEngine, string> = { postgres: 'PostgreSQL', mysql: 'MySQL', mssql: 'SQL Server', mongodb: 'MongoDB' };
type CacheEngine = 'redis' | 'memcached';
const CACHE_PORT: Record<CacheEngine, number> = { redis: 6379, memcached: 11211 };
type QueueEngine = 'rabbitmq' | 'kafka';
const QUEUE_PORT: Record<QueueEngine, number> = { rabbitmq: 5672, kafka: 9092 };

type Tier = 'lb' | 'web' | 'app' | 'db' | 'cache' | 'queue' | 'fn' | 'bastion' | 'vpce' | 'monitoring' | 'ci' | 'unused';
type SubnetTier = 'public' | 'app' | 'data';

interface Profile {
  name: 'web' | 'worker' | 'api' | 'windows' | 'serverless' | 'data';
  /** in the order a truncated app keeps them */
  tiers: Tier[];
  weight: number;
}
const PROFILES: Profile[] = [
  { name: 'web', tiers: ['app', 'db', 'lb', 'web', 'cache'], weight: 30 },
  { name: 'worker', tiers: ['app', 'db', 'queue'], weight: 15 },
  { name: 'api', tiers: ['app', 'db', 'lb'], weight: 25 },
  { name: 'windows', tiers: ['app', 'db', 'lb'], weight: 8 },
  { name: 'serverless', tiers: ['fn', 'db', 'cache'], weight: 12 },
  { name: 'data', tiers: ['app', 'db', 'cache', 'queue'], weight: 10 },
];

// ------------------------------------------------------------------ PRNG

/** mulberry32: small, fast, good enough for synthetic data, and the same everywhere */
class Rng {
  private a: number;
  constructor(seed: number) {
    this.a = (Math.floor(Number.isFinite(seed) ? seed : 0) ^ 0x9e3779b9) >>> 0;
    for (let i = 0; i < 4; i++) this.next();
  }
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  weighted<T extends { weight: number }>(xs: readonly T[]): T {
    const total = xs.reduce((s, x) => s + x.weight, 0);
    let r = this.next() * total;
    for (const x of xs) if ((r -= x.weight) < 0) return x;
    return xs[xs.length - 1];
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  }
}

// ------------------------------------------------------------------ addresses

function ip4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
function cidr4(base: number, size: number): string {
  return `${ip4(base)}/${32 - Math.log2(size)}`;
}
function pow2AtLeast(n: number): number {
  let s = 1;
  while (s < n) s *= 2;
  return s;
}

// ------------------------------------------------------------------ plan

interface Rule {
  protocol: string;
  ports?: number | string;
  peer: string;
  description?: string;
}

interface GroupPlan {
  vpc: VpcPlan;
  name: string;
  tier: Tier;
  app?: AppPlan;
  description: string;
  inbound: Rule[];
  outbound: Rule[] | undefined;
  count: { in: { v4: number; v6: number }; out: { v4: number; v6: number } };
  keys: { in: Set<string>; out: Set<string> };
  members: number;
  weight: number;
}

interface AppPlan {
  vpc: VpcPlan;
  name: string;
  profile: Profile;
  segment: number;
  groups: Partial<Record<Tier, GroupPlan>>;
  db: DbEngine;
  dbManaged: boolean;
  cache: CacheEngine;
  queue: QueueEngine;
  lbKind: 'alb' | 'nlb';
  internetFacing: boolean;
  windows: boolean;
  webPublic: boolean;
  /** the app tier runs as ECS tasks on Fargate rather than on instances */
  fargate: boolean;
  scale: number;
  /** an app in another, peered VPC whose app tier calls this one */
  partner?: AppPlan;
}

interface SubnetPlan {
  vpc: VpcPlan;
  name: string;
  tier: SubnetTier;
  segment: number;
  az: number;
  demand: number;
  size: number;
  cidr: string;
  ipv6: boolean;
}

interface VpcPlan {
  name: string;
  index: number;
  hub: boolean;
  azs: string[];
  apps: AppPlan[];
  shared: Partial<Record<Tier, GroupPlan>>;
  groups: GroupPlan[];
  segments: number;
  subnets: SubnetPlan[];
  byKey: Map<string, SubnetPlan[]>;
  blocks: string[];
  nacls: number;
  /** `${tier}|${segment}` -> NACL name */
  aclOf: Map<string, string>;
  hasNat: boolean;
  windows: boolean;
}

interface ResourcePlan {
  vpc: VpcPlan;
  name: string;
  type: 'alb' | 'nlb' | 'rds' | 'aurora' | 'elasticache' | 'lambda' | 'vpc-endpoint' | 'nat-gateway' | 'ecs-task';
  tier: SubnetTier;
  segment: number;
  azCount: number;
  groups: GroupPlan[];
  internetFacing?: boolean;
  subnets: string[];
}

interface InstancePlan {
  name: string;
  group: GroupPlan | undefined;
  vpc: VpcPlan;
  subnet: string;
  type: string;
  publicIp?: boolean;
  elasticIp?: boolean;
  ipv6?: boolean;
}

interface InterfacePlan {
  name: string;
  group: GroupPlan;
  subnet: string;
  description: string;
}

interface PeeringPlan {
  name: string;
  a: VpcPlan;
  b: VpcPlan;
  status: 'active' | 'deleted';
}

interface Resolved {
  enis: number;
  seed: number;
  vpcs: number;
  groups: number;
  maxRules: number;
  nacls: number;
  peering: boolean;
  mistakes: boolean;
  ipv6: boolean;
}

function whole(v: number | undefined, dflt: number, min = 0): number {
  if (v === undefined || !Number.isFinite(v)) return dflt;
  return Math.max(min, Math.floor(v));
}

function resolve(opts: GenerateOptions): Resolved {
  const enis = whole(opts.enis, 1000);
  const vpcs = whole(opts.vpcs, Math.max(1, Math.round(enis / 2500)), 1);
  const groups = Math.min(GROUPS_QUOTA, whole(opts.groups, Math.min(GROUPS_QUOTA, Math.max(Math.round(enis / 4), Math.min(enis, 4 * vpcs)))));
  const maxRules = Math.min(RULES_QUOTA, whole(opts.maxRulesPerGroup, RULES_QUOTA));
  const nacls = Math.min((NACLS_PER_VPC_QUOTA - 1) * vpcs, whole(opts.nacls, Math.round(enis / 50)));
  return {
    enis, seed: opts.seed ?? 1, vpcs, groups, maxRules, nacls,
    peering: vpcs > 1 && (opts.peering ?? true), mistakes: opts.mistakes ?? true, ipv6: opts.ipv6 ?? false,
  };
}

class Generator {
  readonly rng: Rng;
  readonly vpcs: VpcPlan[] = [];
  readonly apps: AppPlan[] = [];
  readonly groups: GroupPlan[] = [];
  readonly resources: ResourcePlan[] = [];
  readonly instances: InstancePlan[] = [];
  readonly interfaces: InterfacePlan[] = [];
  readonly peerings: PeeringPlan[] = [];
  readonly mistakes: EstateMistake[] = [];
  private readonly active = new Set<string>();
  private readonly plMax: Record<string, number> = { office: OFFICE_MAX, vpn: VPN_MAX };
  private readonly quotas: Record<string, number> = {};
  private launchWizard = 0;
  private nearQuota = new Set<GroupPlan>();
  private worldAdmin = new Set<GroupPlan>();
  private worldDb = new Set<GroupPlan>();
  private missingRoute: PeeringPlan | undefined;
  private stale: PeeringPlan | undefined;
  private noEphemeral = new Set<string>();

  constructor(readonly o: Resolved) {
    this.rng = new Rng(o.seed);
  }

  run(): EstateData {
    this.planVpcs();
    this.planGroups();
    this.planSegments();
    this.planEnis();
    this.allocateAddresses();
    this.planPeerings();
    this.chooseMistakes();
    this.buildRules();
    return this.assemble();
  }

  // ---------------------------------------------------------------- VPCs and groups

  private planVpcs(): void {
    const { vpcs: n } = this.o;
    for (let i = 0; i < n; i++) {
      let name: string;
      if (n === 1) name = 'prod';
      else if (i === 0) name = 'shared';
      else {
        const k = i - 1;
        name = k < VPC_NAMES.length ? VPC_NAMES[k] : `${VPC_NAMES[k % VPC_NAMES.length]}-${Math.floor(k / VPC_NAMES.length) + 1}`;
      }
      const perVpc = this.o.enis / n;
      const azCount = perVpc < 150 ? 2 : perVpc < 600 ? this.rng.int(2, 3) : 3;
      this.vpcs.push({
        name, index: i, hub: i === 0, azs: AZ_LETTERS.slice(0, azCount).map((l) => `${REGION}${l}`), apps: [], shared: {}, groups: [],
        segments: 1, subnets: [], byKey: new Map(), blocks: [], nacls: 0, aclOf: new Map(), hasNat: false, windows: false,
      });
    }
  }

  private newGroup(vpc: VpcPlan, name: string, tier: Tier, description: string, app?: AppPlan): GroupPlan {
    const g: GroupPlan = {
      vpc, name, tier, app, description, inbound: [], outbound: undefined,
      count: { in: { v4: 0, v6: 0 }, out: { v4: 0, v6: 0 } }, keys: { in: new Set(), out: new Set() }, members: 0, weight: 0,
    };
    vpc.groups.push(g);
    this.groups.push(g);
    return g;
  }

  private planGroups(): void {
    let budget = this.o.groups;
    const hub = this.vpcs[0];
    const shared: [VpcPlan, Tier, string, string][] = [];
    for (const v of this.vpcs) shared.push([v, 'bastion', 'bastion', 'Bastion hosts: SSH and RDP from the office']);
    shared.push([hub, 'monitoring', 'monitoring', 'Prometheus and Grafana']);
    for (const v of this.vpcs) shared.push([v, 'vpce', 'vpc-endpoints', 'Interface VPC endpoints']);
    shared.push([hub, 'ci', 'ci-runner', 'CI runners: deploys and migrations']);
    for (const [v, tier, name, desc] of shared) {
      if (budget <= 0) break;
      v.shared[tier] = this.newGroup(v, name, tier, desc);
      budget--;
    }
    if (this.o.mistakes && budget > 0) {
      const unused = Math.min(budget, Math.max(1, Math.round(this.o.groups * 0.004)));
      for (let i = 0; i < unused; i++) {
        const v = this.vpcs[i % this.vpcs.length];
        const g = this.newGroup(v, `launch-wizard-${++this.launchWizard}`, 'unused', `launch-wizard-${this.launchWizard} created by the console`);
        this.mistakes.push({ kind: 'unused-group', vpc: v.name, target: g.name, detail: 'no interface has the group and no rule references it' });
        budget--;
      }
    }
    const rotation: DbEngine[][] = [['postgres'], ['mongodb'], ['mysql'], ['mssql'], ['postgres', 'mysql'], ['mysql', 'mongodb', 'postgres']];
    let n = 0;
    while (budget > 0) {
      const vpc = this.vpcs[n % this.vpcs.length];
      const first = n < PROFILES.length;
      const profile = first ? PROFILES[n] : this.rng.weighted(PROFILES);
      const tiers = profile.tiers.slice(0, budget);
      const name = `${APP_WORDS[n % APP_WORDS.length]}-${n + 1}`;
      const r = this.rng;
      const dbChoices: Record<Profile['name'], DbEngine[]> = {
        web: ['postgres', 'mysql'], worker: ['mongodb', 'postgres'], api: ['postgres', 'mysql'], windows: ['mssql'],
        serverless: ['postgres', 'mysql'], data: ['mysql', 'mongodb', 'postgres'],
      };
      const db = first ? rotation[n][0] : r.pick(dbChoices[profile.name]);
      const app: AppPlan = {
        vpc, name, profile, segment: 0, groups: {}, db,
        dbManaged: profile.name === 'web' || profile.name === 'api' || profile.name === 'serverless' ? true : profile.name === 'windows' ? r.chance(0.5) : false,
        cache: profile.name === 'data' ? 'memcached' : r.chance(0.85) ? 'redis' : 'memcached',
        queue: profile.name === 'worker' ? (first || r.chance(0.6) ? 'rabbitmq' : 'kafka') : first || r.chance(0.7) ? 'kafka' : 'rabbitmq',
        lbKind: profile.name === 'api' && r.chance(0.5) ? 'nlb' : 'alb',
        internetFacing: profile.name === 'web' ? r.chance(0.85) : profile.name === 'windows' ? r.chance(0.3) : r.chance(0.35),
        windows: profile.name === 'windows',
        webPublic: profile.name === 'web' && r.chance(0.25),
        fargate: (profile.name === 'api' || profile.name === 'worker') && r.chance(0.4),
        scale: 0.3 + 1.7 * r.next() ** 2,
      };
      if (app.db === 'mongodb') app.dbManaged = false; // self-managed on EC2
      if (app.windows) vpc.windows = true;
      for (const t of tiers) {
        const desc: Record<string, string> = {
          lb: `${name} ${app.lbKind === 'nlb' ? 'network' : 'application'} load balancer`, web: `${name} web servers`,
          app: `${name} ${app.windows ? 'Windows ' : ''}application servers`, db: `${name} ${DB_LABEL[app.db]}${app.dbManaged ? '' : ' on EC2'}`,
          cache: `${name} ${app.cache === 'redis' ? 'Redis' : 'Memcached'}`, queue: `${name} ${app.queue === 'kafka' ? 'Kafka' : 'RabbitMQ'}`,
          fn: `${name} Lambda functions`,
        };
        app.groups[t] = this.newGroup(vpc, `${name}-${t}`, t, desc[t], app);
      }
      budget -= tiers.length;
      vpc.apps.push(app);
      this.apps.push(app);
      n++;
    }
  }

  // ---------------------------------------------------------------- subnets

  private planSegments(): void {
    const { nacls } = this.o;
    this.vpcs.forEach((v, i) => {
      v.nacls = Math.floor(nacls / this.vpcs.length) + (i < nacls % this.vpcs.length ? 1 : 0);
      const forAcls = v.nacls > 1 ? Math.ceil((v.nacls - 1) / 2 / 0.85) : 0;
      const perVpcEnis = this.o.enis / this.vpcs.length;
      v.segments = Math.max(1, Math.ceil(v.apps.length / 6), forAcls, Math.ceil(perVpcEnis / (v.azs.length * 2 * 8000)));
      v.apps.forEach((a, j) => (a.segment = j % v.segments));
      v.azs.forEach((_, az) => this.openSubnet(v, 'public', 0, az));
      for (let s = 0; s < v.segments; s++) {
        for (const t of ['app', 'data'] as const) v.azs.forEach((_, az) => this.openSubnet(v, t, s, az));
      }
      // network ACLs: one for the public tier, then one per segment tier; the rest stay on the default ACL
      if (v.nacls > 0) v.aclOf.set('public|0', 'public');
      const slots: [SubnetTier, number][] = [];
      for (let s = 0; s < v.segments; s++) slots.push(['app', s], ['data', s]);
      this.rng.shuffle(slots);
      slots.slice(0, Math.max(0, v.nacls - 1)).forEach(([t, s]) => v.aclOf.set(`${t}|${s}`, `${t}-${s + 1}`));
    });
  }

  private openSubnet(v: VpcPlan, tier: SubnetTier, segment: number, az: number): SubnetPlan {
    const key = `${tier}|${segment}|${az}`;
    let list = v.byKey.get(key);
    if (!list) v.byKey.set(key, (list = []));
    const letter = AZ_LETTERS[az];
    const base = tier === 'public' ? `${v.name}-public-${letter}` : `${v.name}-${tier}-${segment + 1}${letter}`;
    const s: SubnetPlan = {
      vpc: v, name: list.length === 0 ? base : `${base}${list.length + 1}`, tier, segment, az, demand: 0, size: 0, cidr: '',
      ipv6: this.o.ipv6 && v.subnets.length < IPV6_SUBNETS_PER_VPC,
    };
    list.push(s);
    v.subnets.push(s);
    return s;
  }

  /** The subnet of a tier, segment and AZ that takes `n` more interfaces. */
  private place(v: VpcPlan, tier: SubnetTier, segment: number, az: number, n = 1): SubnetPlan {
    if (tier === 'public') segment = 0;
    const list = v.byKey.get(`${tier}|${segment}|${az}`)!;
    let s = list[list.length - 1];
    if (s.demand + n > SUBNET_SPLIT) s = this.openSubnet(v, tier, segment, az);
    s.demand += n;
    return s;
  }

  // ---------------------------------------------------------------- interfaces

  private planEnis(): void {
    const E = this.o.enis;
    const cap = Math.floor(E * 0.4);
    const candidates: { enis: number; make: () => void; drop?: () => void }[] = [];
    const resource = (r: Omit<ResourcePlan, 'subnets'>, drop?: () => void) =>
      candidates.push({ enis: r.type === 'nat-gateway' ? 1 : r.azCount, make: () => this.resources.push({ ...r, subnets: [] }), drop });
    for (const v of this.vpcs) {
      resource({ vpc: v, name: `${v.name}-nat`, type: 'nat-gateway', tier: 'public', segment: 0, azCount: 1, groups: [] });
    }
    const endpoints = (v: VpcPlan, from: number, to: number) => {
      const g = v.shared.vpce;
      if (!g) return;
      for (let i = from; i < to; i++) {
        resource({ vpc: v, name: `${v.name}-vpce-${ENDPOINT_SERVICES[i]}`, type: 'vpc-endpoint', tier: 'app', segment: 0, azCount: Math.min(2, v.azs.length), groups: [g] });
      }
    };
    for (const v of this.vpcs) endpoints(v, 0, 1);
    for (const a of this.apps) {
      const v = a.vpc;
      const g = a.groups;
      const azs = v.azs.length;
      if (g.lb) resource({ vpc: v, name: `${a.name}-lb`, type: a.lbKind, tier: a.internetFacing ? 'public' : 'app', segment: a.segment, azCount: azs, groups: [g.lb], internetFacing: a.internetFacing });
      if (g.db && a.dbManaged) {
        resource({ vpc: v, name: `${a.name}-db`, type: a.db === 'postgres' && this.rng.chance(0.3) ? 'aurora' : 'rds', tier: 'data', segment: a.segment, azCount: 2, groups: [g.db] }, () => (a.dbManaged = false));
      }
      if (g.cache) resource({ vpc: v, name: `${a.name}-cache`, type: 'elasticache', tier: 'data', segment: a.segment, azCount: 2, groups: [g.cache] });
      if (g.fn) resource({ vpc: v, name: `${a.name}-fn`, type: 'lambda', tier: 'app', segment: a.segment, azCount: azs, groups: [g.fn] });
    }
    for (const v of this.vpcs) endpoints(v, 1, Math.min(ENDPOINT_SERVICES.length, 1 + Math.ceil(E / this.vpcs.length / 800)));
    for (const a of this.apps) {
      const g = a.groups.app;
      if (a.windows && g) candidates.push({ enis: 1, make: () => this.interfaces.push({ name: `${a.name}-vip`, group: g, subnet: '', description: `${a.name} failover cluster address` }) });
    }
    let used = 0;
    for (const c of candidates) {
      if (used + c.enis <= cap) {
        used += c.enis;
        c.make();
      } else c.drop?.();
    }
    for (const r of this.resources) {
      if (r.type === 'nat-gateway') r.vpc.hasNat = true;
      r.subnets = Array.from({ length: r.azCount }, (_, az) => this.place(r.vpc, r.tier, r.segment, az).name);
      for (const g of r.groups) g.members += r.azCount;
    }
    for (const i of this.interfaces) {
      const a = i.group.app!;
      i.subnet = this.place(a.vpc, 'app', a.segment, 0).name;
      i.group.members++;
    }

    // instances: one at least for each group that runs on EC2, then the rest by weight
    let budget = E - used;
    const weights: Partial<Record<Tier, number>> = { bastion: 0.5, monitoring: 1, ci: 0.7, web: 2.5, app: 3.5, queue: 2, db: 1.2 };
    const onEc2 = this.groups.filter((g) => weights[g.tier] !== undefined && (g.tier !== 'db' || !g.app!.dbManaged));
    const order = [...onEc2.filter((g) => !g.app), ...onEc2.filter((g) => g.app)];
    const count = new Map<GroupPlan, number>();
    for (const g of order) {
      if (budget <= 0) break;
      count.set(g, 1);
      budget--;
    }
    if (budget > 0 && order.length > 0) {
      for (const g of order) g.weight = weights[g.tier]! * (g.app?.scale ?? 1);
      const total = order.reduce((s, g) => s + g.weight, 0);
      const shares = order.map((g, i) => ({ g, i, exact: (budget * g.weight) / total }));
      let given = 0;
      for (const s of shares) {
        const k = Math.floor(s.exact);
        count.set(s.g, (count.get(s.g) ?? 0) + k);
        given += k;
      }
      shares.sort((x, y) => y.exact - Math.floor(y.exact) - (x.exact - Math.floor(x.exact)) || x.i - y.i);
      for (let i = 0; given < budget; i++, given++) count.set(shares[i % shares.length].g, count.get(shares[i % shares.length].g)! + 1);
      budget = 0;
    }
    for (const g of order) {
      const k = count.get(g) ?? 0;
      g.members += k;
      if (g.tier === 'app' && g.app!.fargate) {
        // an ECS service: its tasks spread over the AZs, one interface each
        const a = g.app!;
        const azs = a.vpc.azs.length;
        for (let t = 0, n = 1; t < k; t += azs, n++) {
          const tasks = Math.min(azs, k - t);
          const subnets = Array.from({ length: tasks }, (_, j) => this.place(a.vpc, 'app', a.segment, j).name);
          this.resources.push({ vpc: a.vpc, name: `${g.name}-tasks-${n}`, type: 'ecs-task', tier: 'app', segment: a.segment, azCount: tasks, groups: [g], subnets });
        }
      } else for (let i = 0; i < k; i++) this.instances.push(this.instance(g, i));
    }
    // no group runs on EC2 (a tiny group budget): the rest are instances in the default group
    for (let i = 0; budget > 0; i++, budget--) {
      const v = this.vpcs[i % this.vpcs.length];
      const s = this.place(v, 'app', 0, i % v.azs.length);
      this.instances.push({ name: `${v.name}-host-${Math.floor(i / this.vpcs.length) + 1}`, group: undefined, vpc: v, subnet: s.name, type: 't3.medium' });
    }
  }

  private instance(g: GroupPlan, i: number): InstancePlan {
    const v = g.vpc;
    const a = g.app;
    const az = (i + v.groups.indexOf(g)) % v.azs.length;
    let tier: SubnetTier = 'app';
    let segment = a?.segment ?? 0;
    if (g.tier === 'bastion' || (g.tier === 'web' && a?.webPublic)) tier = 'public';
    if (g.tier === 'db' || g.tier === 'queue') tier = 'data';
    if (tier === 'public') segment = 0;
    const s = this.place(v, tier, segment, az);
    const types: Partial<Record<Tier, string[]>> = {
      bastion: ['t3.micro'], monitoring: ['m5.large', 'm5.xlarge'], ci: ['c5.xlarge', 'c5.2xlarge'], web: ['t3.medium', 'm5.large'],
      app: a?.windows ? ['m5.xlarge', 'm5.2xlarge'] : ['m5.large', 'm5.xlarge', 'c5.large'], queue: ['m5.large', 'r5.large'],
      db: ['r5.xlarge', 'r5.2xlarge'],
    };
    const p: InstancePlan = { name: a ? `${g.name}-${i + 1}` : `${v.name}-${g.name}-${i + 1}`, group: g, vpc: v, subnet: s.name, type: this.rng.pick(types[g.tier] ?? ['t3.medium']) };
    if (g.tier === 'bastion' && i === 0) p.elasticIp = true;
    if (g.tier === 'web' && tier === 'public' && this.rng.chance(0.2)) p.publicIp = false;
    if (s.ipv6 && (tier === 'public' || this.rng.chance(0.3))) p.ipv6 = true;
    return p;
  }

  // ---------------------------------------------------------------- addresses

  private allocateAddresses(): void {
    for (const v of this.vpcs) {
      for (const s of v.subnets) s.size = Math.max(256, pow2AtLeast(Math.ceil(s.demand * 1.25) + 5 + 4));
    }
    const need = (v: VpcPlan) => v.subnets.reduce((t, s) => t + s.size, 0);
    const pool = PRIVATE_POOLS.reduce((t, [, n]) => t + n, 0);
    // VPCs are /16s unless there are so many that the private ranges cannot hold them
    let minVpc = 65536;
    const blocksSize = (v: VpcPlan, min: number) => (need(v) <= 65536 ? Math.max(min, pow2AtLeast(need(v))) : Math.ceil(need(v) / 65536) * 65536);
    while (minVpc > 256 && this.vpcs.reduce((t, v) => t + blocksSize(v, minVpc), 0) > pool * 0.9) minVpc /= 2;
    let poolIndex = 0;
    let cursor = PRIVATE_POOLS[0][0];
    const take = (size: number): number => {
      for (;;) {
        if (poolIndex >= PRIVATE_POOLS.length) throw new RangeError('the estate needs more addresses than the private IPv4 ranges hold: ask for fewer interfaces or subnets');
        const [base, len] = PRIVATE_POOLS[poolIndex];
        const aligned = Math.ceil((cursor - base) / size) * size + base;
        if (aligned + size <= base + len) {
          cursor = aligned + size;
          return aligned;
        }
        poolIndex++;
        if (poolIndex < PRIVATE_POOLS.length) cursor = PRIVATE_POOLS[poolIndex][0];
      }
    };
    let maxBlocks = 1;
    for (const v of this.vpcs) {
      const total = blocksSize(v, minVpc);
      const blockSize = Math.min(total, 65536);
      const blocks: number[] = [];
      for (let k = 0; k < total / blockSize; k++) blocks.push(take(blockSize));
      v.blocks = blocks.map((b) => cidr4(b, blockSize));
      maxBlocks = Math.max(maxBlocks, blocks.length);
      // biggest subnets first: every subnet stays aligned, blocks fill without gaps
      const sorted = [...v.subnets].sort((x, y) => y.size - x.size);
      let bi = 0;
      let next = blocks[0];
      for (const s of sorted) {
        if (next + s.size > blocks[bi] + blockSize) next = blocks[++bi];
        s.cidr = cidr4(next, s.size);
        next += s.size;
      }
    }
    if (maxBlocks > BLOCKS_QUOTA) this.quotas.ipv4CidrBlocksPerVpc = maxBlocks;
    if (this.vpcs.length > VPCS_QUOTA) this.quotas.vpcsPerRegion = this.vpcs.length;
  }

  // ---------------------------------------------------------------- peerings

  private planPeerings(): void {
    if (!this.o.peering) return;
    const v = this.vpcs;
    const hub = v[0];
    // Two spokes that used to be peered. The loader creates (and deletes) peerings before any rule, so a rule
    // cannot name a group across a deleted peering, nor a route target it: what stays behind are rules that
    // allow the other VPC's addresses (see buildRules). Needs a spoke pair that is not otherwise peered.
    if (this.o.mistakes && v.length >= 3) {
      this.stale = { name: `${v[1].name}-${v[2].name}`, a: v[1], b: v[2], status: 'deleted' };
      this.peerings.push(this.stale);
    }
    for (let i = 1; i < v.length; i++) this.peerings.push({ name: `${hub.name}-${v[i].name}`, a: hub, b: v[i], status: 'active' });
    for (let i = 2; i + 1 < v.length; i += 2) this.peerings.push({ name: `${v[i].name}-${v[i + 1].name}`, a: v[i], b: v[i + 1], status: 'active' });
    for (const p of this.peerings) {
      if (p.status !== 'active') continue;
      this.active.add(`${p.a.name}|${p.b.name}`);
      this.active.add(`${p.b.name}|${p.a.name}`);
    }
    // service-to-service calls across peerings: an app tier in one VPC calls an app in a peered VPC
    for (const a of this.apps) {
      if (!a.groups.app || !this.rng.chance(0.15)) continue;
      const peers = this.peersOf(a.vpc);
      if (!peers.length) continue;
      const other = this.rng.pick(peers);
      const callee = other.apps.length ? other.apps[this.rng.int(0, other.apps.length - 1)] : undefined;
      if (callee && !callee.partner && (callee.groups.app || callee.groups.db)) callee.partner = a;
    }
  }

  private peersOf(v: VpcPlan): VpcPlan[] {
    return this.vpcs.filter((w) => w !== v && this.active.has(`${v.name}|${w.name}`));
  }

  // ---------------------------------------------------------------- mistakes

  private chooseMistakes(): void {
    if (!this.o.mistakes) return;
    const r = this.rng;
    const few = (xs: GroupPlan[], share: number) => r.shuffle([...xs]).slice(0, Math.max(1, Math.round(xs.length * share)));
    const admin = this.groups.filter((g) => g.members > 0 && ['web', 'app', 'bastion', 'queue'].includes(g.tier) && !g.app?.fargate);
    for (const g of few(admin, 0.02)) this.worldAdmin.add(g);
    const dbs = this.groups.filter((g) => g.tier === 'db' && g.members > 0 && !g.app!.dbManaged);
    for (const g of few(dbs, 0.05)) this.worldDb.add(g);
    const busy = this.groups.filter((g) => ['lb', 'web', 'app'].includes(g.tier) && !this.worldAdmin.has(g));
    for (const g of few(busy, 0.002)) this.nearQuota.add(g);
    if (this.peerings.length) {
      const act = this.peerings.filter((p) => p.status === 'active');
      this.missingRoute = act.find((p) => !p.a.hub) ?? act[act.length - 1];
    }
  }

  // ---------------------------------------------------------------- rules

  private weight(peer: string): { v4: number; v6: number } {
    if (peer.startsWith('pl:')) return { v4: this.plMax[peer.slice(3)] ?? 1, v6: 0 };
    if (/^[0-9.]+\/\d+$/.test(peer)) return { v4: 1, v6: 0 };
    if (peer.includes(':')) return { v4: 0, v6: 1 };
    return { v4: 1, v6: 1 };
  }

  private add(g: GroupPlan, dir: 'in' | 'out', r: Rule | undefined): boolean {
    if (!r) return false;
    const key = `${r.protocol}|${r.ports ?? ''}|${r.peer}`;
    if (g.keys[dir].has(key)) return false;
    const w = this.weight(r.peer);
    const c = g.count[dir];
    if (c.v4 + w.v4 > this.o.maxRules || c.v6 + w.v6 > this.o.maxRules) return false;
    c.v4 += w.v4;
    c.v6 += w.v6;
    g.keys[dir].add(key);
    if (dir === 'in') g.inbound.push(r);
    else (g.outbound ??= []).push(r);
    return true;
  }

  /** How group `g` is named in a rule of a group in `from`: by name, `vpc/name` across an active peering, or not at all. */
  private ref(from: VpcPlan, g: GroupPlan | undefined): string | undefined {
    if (!g) return undefined;
    if (g.vpc === from) return g.name;
    return this.active.has(`${from.name}|${g.vpc.name}`) ? `${g.vpc.name}/${g.name}` : undefined;
  }

  private tcp(ports: number | string, peer: string | undefined, description?: string): Rule | undefined {
    if (peer === undefined) return undefined;
    return description === undefined ? { protocol: 'tcp', ports, peer } : { protocol: 'tcp', ports, peer, description };
  }

  private buildRules(): void {
    const hub = this.vpcs[0];
    const ipv6 = this.o.ipv6;
    for (const g of this.groups) {
      const v = g.vpc;
      const a = g.app;
      const in_ = (r: Rule | undefined) => this.add(g, 'in', r);
      const out = (r: Rule | undefined) => this.add(g, 'out', r);
      const bastion = this.ref(v, v.shared.bastion);
      const monitoring = this.ref(v, hub.shared.monitoring);
      const ci = this.ref(v, hub.shared.ci);
      const admin = (port: number) => in_(this.tcp(port, bastion ?? 'pl:office', bastion ? 'admin from the bastion hosts' : 'admin from the office'));
      if (this.worldAdmin.has(g)) {
        const port = a?.windows ? 3389 : 22;
        in_(this.tcp(port, '0.0.0.0/0', port === 22 ? 'temporary SSH access' : 'RDP for vendor support'));
        this.mistakes.push({ kind: 'world-admin', vpc: v.name, target: g.name, detail: `tcp ${port} from 0.0.0.0/0 on ${g.members} interface(s)` });
      }
      if (this.worldDb.has(g)) {
        const port = DB_PORT[a!.db];
        in_(this.tcp(port, '0.0.0.0/0', 'debug access'));
        this.mistakes.push({ kind: 'world-database', vpc: v.name, target: g.name, detail: `tcp ${port} (${DB_LABEL[a!.db]}) from 0.0.0.0/0 on instances without public addresses` });
      }
      switch (g.tier) {
        case 'bastion':
          in_(this.tcp(22, 'pl:office', 'SSH from the office'));
          in_(this.tcp(22, 'pl:vpn', 'SSH from the VPN'));
          if (v.windows) in_(this.tcp(3389, 'pl:office', 'RDP from the office'));
          break;
        case 'monitoring':
          in_(this.tcp(9090, 'pl:office', 'Prometheus'));
          in_(this.tcp(3000, 'pl:office', 'Grafana'));
          in_(this.tcp(443, 'pl:vpn', 'Grafana over the VPN'));
          in_(this.tcp('9093-9094', g.name, 'Alertmanager cluster'));
          break;
        case 'ci':
          in_(this.tcp(8080, 'pl:office', 'CI web interface'));
          in_(this.tcp(443, 'pl:vpn', 'webhooks over the VPN'));
          if (bastion) in_(this.tcp(22, bastion, 'SSH from the bastion hosts'));
          break;
        case 'vpce':
          for (const b of v.blocks) in_(this.tcp(443, b, 'HTTPS from the VPC'));
          break;
        case 'unused':
          in_(this.tcp(80, '0.0.0.0/0'));
          in_(this.tcp(22, 'pl:office'));
          break;
        case 'lb':
          if (a!.internetFacing) {
            in_(this.tcp(443, '0.0.0.0/0', 'HTTPS from the internet'));
            in_(this.tcp(80, '0.0.0.0/0', 'HTTP, redirected to HTTPS'));
            if (ipv6) {
              in_(this.tcp(443, '::/0', 'HTTPS from the internet'));
              in_(this.tcp(80, '::/0', 'HTTP, redirected to HTTPS'));
            }
          } else {
            for (const b of v.blocks) in_(this.tcp(443, b, 'HTTPS from the VPC'));
            in_(this.tcp(443, 'pl:vpn', 'HTTPS from the VPN'));
            for (const p of this.peersOf(v).slice(0, 3)) in_(this.tcp(443, p.blocks[0], `HTTPS from ${p.name}`));
          }
          if (this.rng.chance(0.7)) {
            const web = a!.groups.web;
            if (web) {
              out(this.tcp(80, web.name, 'to the web servers'));
              out(this.tcp(443, web.name, 'to the web servers'));
            } else if (a!.groups.app) out(this.tcp(8080, a!.groups.app.name, 'to the application servers'));
          }
          break;
        case 'web':
          if (a!.groups.lb) {
            in_(this.tcp(80, a!.groups.lb.name, 'HTTP from the load balancer'));
            in_(this.tcp(443, a!.groups.lb.name, 'HTTPS from the load balancer'));
          } else {
            in_(this.tcp(443, '0.0.0.0/0', 'HTTPS from the internet'));
            in_(this.tcp(80, '0.0.0.0/0', 'HTTP from the internet'));
            if (ipv6) in_(this.tcp(443, '::/0', 'HTTPS from the internet'));
          }
          admin(22);
          in_(this.tcp(9100, monitoring, 'node exporter'));
          break;
        case 'app': {
          const front = a!.groups.web ?? a!.groups.lb;
          if (front) in_(this.tcp(8080, front.name, `from the ${front.tier === 'web' ? 'web tier' : 'load balancer'}`));
          if (a!.groups.lb) in_(this.tcp(8443, a!.groups.lb.name, 'TLS and health checks from the load balancer'));
          if (!front) for (const b of v.blocks) in_(this.tcp(8080, b, 'from the VPC'));
          in_(this.tcp('9000-9100', g.name, 'cluster traffic'));
          if (!a!.fargate) {
            admin(a!.windows ? 3389 : 22);
            if (a!.windows) in_(this.tcp(5985, bastion, 'WinRM from the bastion hosts'));
            in_(this.tcp(9100, monitoring, 'node exporter'));
            in_(this.tcp(22, ci, 'deploys from CI'));
          }
          if (a!.partner) in_(this.tcp(8443, this.ref(v, a!.partner.groups.app), `API calls from ${a!.partner.name}`));
          // a few clients by address, as estates accumulate them
          const subnets = v.subnets.filter((s) => s.tier === 'app' && s.segment !== a!.segment);
          for (let k = this.rng.int(0, 3); k > 0 && subnets.length; k--) in_(this.tcp(8080, this.rng.pick(subnets).cidr, 'legacy clients'));
          if (this.rng.chance(0.4)) {
            out(this.tcp(443, '0.0.0.0/0', 'HTTPS to AWS and the internet'));
            if (a!.groups.db) out(this.tcp(DB_PORT[a!.db], a!.groups.db.name, DB_LABEL[a!.db]));
            if (a!.groups.cache) out(this.tcp(CACHE_PORT[a!.cache], a!.groups.cache.name, 'cache'));
            if (a!.groups.queue) out(this.tcp(QUEUE_PORT[a!.queue], a!.groups.queue.name, 'queue'));
            if (v.shared.vpce) out(this.tcp(443, v.shared.vpce.name, 'VPC endpoints'));
            if (ipv6) out(this.tcp(443, '::/0', 'HTTPS over IPv6'));
          }
          break;
        }
        case 'db': {
          const port = DB_PORT[a!.db];
          const label = DB_LABEL[a!.db];
          in_(this.tcp(port, a!.groups.app?.name, `${label} from the application`));
          in_(this.tcp(port, a!.groups.fn?.name, `${label} from the functions`));
          in_(this.tcp(port, ci, 'migrations from CI'));
          if (bastion) in_(this.tcp(port, bastion, `${label} through the bastion hosts`));
          if (a!.partner) in_(this.tcp(port, this.ref(v, a!.partner.groups.app), `reporting from ${a!.partner.name}`));
          if (this.rng.chance(0.2)) in_(this.tcp(port, 'pl:office', 'DBAs in the office'));
          if (!a!.dbManaged) {
            in_(this.tcp(port, g.name, 'replication'));
            admin(a!.windows ? 3389 : 22);
            in_(this.tcp(9100, monitoring, 'node exporter'));
          }
          break;
        }
        case 'cache': {
          const port = CACHE_PORT[a!.cache];
          in_(this.tcp(port, a!.groups.app?.name, 'from the application'));
          in_(this.tcp(port, a!.groups.fn?.name, 'from the functions'));
          break;
        }
        case 'queue': {
          const port = QUEUE_PORT[a!.queue];
          in_(this.tcp(port, a!.groups.app?.name, 'producers and consumers'));
          if (a!.queue === 'kafka') in_(this.tcp('9092-9093', g.name, 'broker replication'));
          else {
            in_(this.tcp(25672, g.name, 'RabbitMQ clustering'));
            in_(this.tcp(15672, 'pl:office', 'RabbitMQ management'));
          }
          admin(22);
          in_(this.tcp(9100, monitoring, 'node exporter'));
          break;
        }
        case 'fn':
          out(this.tcp(443, '0.0.0.0/0', 'AWS APIs'));
          if (a!.groups.db) out(this.tcp(DB_PORT[a!.db], a!.groups.db.name, DB_LABEL[a!.db]));
          if (a!.groups.cache) out(this.tcp(CACHE_PORT[a!.cache], a!.groups.cache.name, 'cache'));
          if (v.shared.vpce) out(this.tcp(443, v.shared.vpce.name, 'VPC endpoints'));
          break;
      }
      if (this.nearQuota.has(g)) {
        // a partner allow-list that grew one address at a time
        const target = this.o.maxRules - this.rng.int(0, 1);
        const port = g.tier === 'app' ? 8443 : 443;
        let partners = 0;
        for (let tries = 0; g.count.in.v4 < target && tries < 10 * RULES_QUOTA; tries++) {
          in_(this.tcp(port, `${this.rng.int(20, 99)}.${this.rng.int(0, 255)}.${this.rng.int(0, 255)}.${this.rng.int(1, 254)}/32`, `partner ${++partners}`));
        }
        if (g.count.in.v4 >= this.o.maxRules - 2) {
          this.mistakes.push({ kind: 'near-quota', vpc: v.name, target: g.name, detail: `${g.count.in.v4} of ${this.o.maxRules} inbound IPv4 rules` });
        }
      }
    }
    // the stale references: rules on both sides that still allow the other VPC's app subnets
    if (this.stale) {
      const p = this.stale;
      for (const [from, to] of [[p.a, p.b], [p.b, p.a]] as const) {
        const a = from.apps.find((x) => x.groups.db) ?? from.apps.find((x) => x.groups.app);
        const g = a ? (a.groups.db ?? a.groups.app)! : from.groups[0];
        const peerSubnet = to.subnets.find((s) => s.tier === 'app') ?? to.subnets[0];
        if (!g || !peerSubnet) continue;
        const port = g.tier === 'db' ? DB_PORT[a!.db] : 8080;
        if (this.add(g, 'in', this.tcp(port, peerSubnet.cidr, `from ${to.name} app subnets over peering ${p.name}`))) {
          this.mistakes.push({
            kind: 'stale-reference', vpc: from.name, target: g.name,
            detail: `tcp ${port} from ${peerSubnet.cidr} (${to.name}), but peering ${p.name} is deleted`,
          });
        }
      }
    }
  }

  // ---------------------------------------------------------------- network ACLs

  private acl(v: VpcPlan, name: string, tier: SubnetTier, segment: number): Record<string, unknown> {
    const ipv6 = this.o.ipv6;
    const peerNets = this.peersOf(v).flatMap((p) => p.blocks);
    const vpcNets = v.blocks;
    const publicNets = v.subnets.filter((s) => s.tier === 'public').map((s) => s.cidr);
    type E = { prio: number; rule: number; protocol: string; ports?: number | string; cidr: string; action: 'allow' | 'deny' };
    const inbound: E[] = [];
    const outbound: E[] = [];
    const e = (list: E[], prio: number, rule: number, protocol: string, ports: number | string | undefined, cidr: string, action: 'allow' | 'deny' = 'allow') =>
      list.push(ports === undefined ? { prio, rule, protocol, cidr, action } : { prio, rule, protocol, ports, cidr, action });
    const each = (nets: string[], max: number, f: (cidr: string, i: number) => void) => nets.slice(0, max).forEach(f);
    const apps = v.apps.filter((a) => a.segment === segment);
    const broken = this.noEphemeral.has(`${v.name}/${name}`);
    if (tier === 'public') {
      e(inbound, 5, 50, 'all', undefined, BLOCKLIST, 'deny');
      e(inbound, 1, 100, 'tcp', 443, '0.0.0.0/0');
      e(inbound, 1, 110, 'tcp', 80, '0.0.0.0/0');
      each(OFFICE, 9, (c, i) => e(inbound, 3, 120 + i, 'tcp', 22, c));
      if (v.windows) each(OFFICE, 9, (c, i) => e(inbound, 4, 130 + i, 'tcp', 3389, c));
      e(inbound, 0, 140, 'tcp', '1024-65535', '0.0.0.0/0');
      each(vpcNets, 9, (c, i) => e(inbound, 2, 150 + i, 'all', undefined, c));
      each(peerNets, 90, (c, i) => e(inbound, 6, 200 + i, 'all', undefined, c));
      if (ipv6) {
        e(inbound, 1, 300, 'tcp', 443, '::/0');
        e(inbound, 1, 310, 'tcp', 80, '::/0');
        e(inbound, 1, 320, 'tcp', '1024-65535', '::/0');
      }
      e(outbound, 0, 100, 'all', undefined, '0.0.0.0/0');
      if (ipv6) e(outbound, 0, 101, 'all', undefined, '::/0');
    } else if (tier === 'app') {
      const windows = apps.some((a) => a.windows);
      e(inbound, 6, 50, 'all', undefined, BLOCKLIST, 'deny');
      if (!v.hub && this.vpcs[0].shared.ci && this.active.has(`${v.name}|${this.vpcs[0].name}`)) {
        each(this.vpcs[0].blocks, 9, (c, i) => e(inbound, 3, 70 + i, 'tcp', 22, c)); // deploys from CI in the hub
      }
      each(publicNets, 5, (c, i) => e(inbound, 2, 80 + i, 'tcp', 22, c));
      if (windows) each(publicNets, 4, (c, i) => e(inbound, 2, 85 + i, 'tcp', 3389, c));
      e(inbound, 3, 90, 'tcp', 22, '0.0.0.0/0', 'deny');
      if (!windows) e(inbound, 6, 95, 'tcp', 3389, '0.0.0.0/0', 'deny');
      each(vpcNets, 9, (c, i) => e(inbound, 4, 100 + i, 'tcp', 80, c));
      each(vpcNets, 9, (c, i) => e(inbound, 4, 110 + i, 'tcp', 443, c));
      each(vpcNets, 9, (c, i) => e(inbound, 1, 120 + i, 'tcp', '8080-8443', c));
      each(vpcNets, 9, (c, i) => e(inbound, 5, 130 + i, 'tcp', '9000-9100', c));
      each(peerNets, 60, (c, i) => e(inbound, 7, 200 + i, 'tcp', 8443, c));
      e(inbound, 0, 400, 'tcp', '1024-65535', '0.0.0.0/0');
      e(inbound, 8, 410, 'udp', '1024-65535', '0.0.0.0/0');
      if (ipv6) e(inbound, 1, 420, 'tcp', '1024-65535', '::/0');
      e(outbound, 0, 100, 'tcp', 443, '0.0.0.0/0');
      e(outbound, 1, 110, 'tcp', 80, '0.0.0.0/0');
      if (!broken) e(outbound, 0, 120, 'tcp', '1024-65535', '0.0.0.0/0');
      else {
        const ports = [...new Set(apps.flatMap((a) => [a.groups.db && DB_PORT[a.db], a.groups.cache && CACHE_PORT[a.cache], a.groups.queue && QUEUE_PORT[a.queue]]).filter((p): p is number => !!p))];
        if (!ports.length) ports.push(5432);
        ports.sort((x, y) => x - y).slice(0, 9).forEach((p, i) => e(outbound, 2, 120 + i, 'tcp', p, vpcNets[0]));
      }
      e(outbound, 3, 140, 'udp', '1024-65535', '0.0.0.0/0');
      if (ipv6) {
        e(outbound, 1, 101, 'tcp', 443, '::/0');
        if (!broken) e(outbound, 1, 121, 'tcp', '1024-65535', '::/0');
      }
    } else {
      const ports = [...new Set(apps.flatMap((a) => [a.groups.db && DB_PORT[a.db], a.groups.cache && CACHE_PORT[a.cache], a.groups.queue && QUEUE_PORT[a.queue]]).filter((p): p is number => !!p))].sort((x, y) => x - y);
      if (!ports.length) ports.push(5432, 6379);
      e(inbound, 6, 50, 'all', undefined, BLOCKLIST, 'deny');
      each(publicNets, 5, (c, i) => e(inbound, 3, 80 + i, 'tcp', 22, c));
      // the public tier never reaches the data tier directly, whatever the VPC-wide allows below say
      each(publicNets, 9, (c, i) => e(inbound, 2, 90 + i, 'all', undefined, c, 'deny'));
      ports.slice(0, 9).forEach((p, pi) => each(vpcNets, 9, (c, i) => e(inbound, 1, 100 + pi * 10 + i, 'tcp', p, c)));
      ports.slice(0, 9).forEach((p, pi) => each(peerNets, 9, (c, i) => e(inbound, 7, 200 + pi * 10 + i, 'tcp', p, c)));
      e(inbound, 0, 400, 'tcp', '1024-65535', '0.0.0.0/0');
      if (!broken) {
        each(vpcNets, 9, (c, i) => e(outbound, 0, 100 + i, 'tcp', '1024-65535', c));
        each(peerNets, 90, (c, i) => e(outbound, 4, 200 + i, 'tcp', '1024-65535', c));
      } else {
        ports.slice(0, 9).forEach((p, i) => e(outbound, 2, 120 + i, 'tcp', p, vpcNets[0]));
      }
      e(outbound, 1, 300, 'tcp', 443, '0.0.0.0/0');
      e(outbound, 3, 310, 'tcp', 80, '0.0.0.0/0');
    }
    const finish = (list: E[]) =>
      list
        .map((x, i) => ({ x, i }))
        .sort((p, q) => p.x.prio - q.x.prio || p.i - q.i)
        .slice(0, NACL_ENTRIES_QUOTA)
        .map(({ x }) => x)
        .sort((p, q) => p.rule - q.rule)
        .map(({ prio: _prio, ...rest }) => rest);
    return { inbound: finish(inbound), outbound: finish(outbound) };
  }

  // ---------------------------------------------------------------- assemble

  private assemble(): EstateData {
    const o = this.o;
    // NACLs that lose their ephemeral return rules
    const custom: string[] = [];
    for (const v of this.vpcs) for (const [k, n] of v.aclOf) if (!k.startsWith('public')) custom.push(`${v.name}/${n}`);
    if (o.mistakes && custom.length) {
      const chosen = this.rng.shuffle([...custom]).slice(0, Math.max(1, Math.round(custom.length * 0.03)));
      for (const c of chosen) {
        this.noEphemeral.add(c);
        const [vpc, acl] = c.split('/');
        this.mistakes.push({ kind: 'nacl-no-ephemeral', vpc, target: acl, detail: 'no outbound entry allows responses to client ports 1024-65535' });
      }
    }
    const vpcs: Record<string, unknown> = {};
    let maxRoutes = 0;
    for (const v of this.vpcs) {
      const subnets: Record<string, unknown> = {};
      for (const s of v.subnets) {
        const acl = v.aclOf.get(`${s.tier}|${s.tier === 'public' ? 0 : s.segment}`);
        subnets[s.name] = {
          cidr: s.cidr, az: v.azs[s.az], ...(s.tier === 'public' ? { public: true } : {}), routeTable: s.tier,
          ...(acl ? { networkAcl: acl } : {}), ...(s.ipv6 ? { ipv6Cidr: 'auto' } : {}),
        };
      }
      // route tables per tier, with the peers' blocks both ways (one side of one peering forgot its data tier)
      const routes: Record<SubnetTier, Record<string, string>[]> = { public: [{ destination: '0.0.0.0/0', target: 'igw' }], app: [], data: [] };
      if (o.ipv6) routes.public.push({ destination: '::/0', target: 'igw' });
      if (v.hasNat) routes.app.push({ destination: '0.0.0.0/0', target: `nat:${v.name}-nat` });
      for (const p of this.peerings) {
        if (p.status !== 'active' || (p.a !== v && p.b !== v)) continue;
        const other = p.a === v ? p.b : p.a;
        for (const t of ['public', 'app', 'data'] as const) {
          if (this.missingRoute === p && v === p.b && t === 'data') continue;
          for (const b of other.blocks) {
            if (routes[t].some((r) => r.destination === b)) continue;
            routes[t].push({ destination: b, target: `peering:${p.name}` });
          }
        }
      }
      if (this.missingRoute && this.missingRoute.b === v) {
        const p = this.missingRoute;
        this.mistakes.push({ kind: 'missing-peering-route', vpc: v.name, target: 'data', detail: `route table data has no route to ${p.a.name} (${p.a.blocks.join(', ')}) over ${p.name}; ${p.a.name} routes to ${v.name}` });
      }
      const routeTables: Record<string, unknown> = {};
      for (const t of ['public', 'app', 'data'] as const) {
        routeTables[t] = routes[t].length ? { routes: routes[t] } : {};
        maxRoutes = Math.max(maxRoutes, routes[t].length + v.blocks.length + (o.ipv6 ? 1 : 0));
      }
      const networkAcls: Record<string, unknown> = {};
      for (const [k, n] of v.aclOf) {
        const [tier, seg] = k.split('|');
        networkAcls[n] = this.acl(v, n, tier as SubnetTier, Number(seg));
      }
      const securityGroups: Record<string, unknown> = {};
      for (const g of v.groups) {
        securityGroups[g.name] = {
          description: g.description,
          ...(g.inbound.length ? { inbound: g.inbound.map((r) => ruleData(r, 'from')) } : {}),
          ...(g.outbound && g.outbound.length ? { outbound: g.outbound.map((r) => ruleData(r, 'to')) } : {}),
          ...(g.app ? { tags: { app: g.app.name, tier: g.tier } } : {}),
        };
      }
      vpcs[v.name] = {
        cidr: v.blocks[0], ...(v.blocks.length > 1 ? { secondaryCidrs: v.blocks.slice(1) } : {}), ...(o.ipv6 ? { ipv6: true } : {}),
        internetGateway: true, tags: { env: v.hub && this.vpcs.length > 1 ? 'shared' : v.name.startsWith('staging') || v.name.startsWith('labs') ? 'nonprod' : 'prod' },
        subnets, routeTables, ...(Object.keys(networkAcls).length ? { networkAcls } : {}), securityGroups,
      };
    }
    if (maxRoutes > ROUTES_QUOTA) this.quotas.routesPerRouteTable = maxRoutes;
    const peerings: Record<string, unknown> = {};
    for (const p of this.peerings) peerings[p.name] = { requester: p.a.name, accepter: p.b.name, status: p.status };
    const instances: Record<string, unknown> = {};
    for (const i of this.instances) {
      instances[i.name] = {
        subnet: i.subnet, ...(i.group ? { groups: [i.group.name] } : {}), type: i.type,
        ...(i.publicIp !== undefined ? { publicIp: i.publicIp } : {}), ...(i.elasticIp ? { elasticIp: true } : {}), ...(i.ipv6 ? { ipv6: true } : {}),
      };
    }
    const interfaces: Record<string, unknown> = {};
    for (const i of this.interfaces) interfaces[i.name] = { subnet: i.subnet, groups: [i.group.name], description: i.description };
    const resources: Record<string, unknown> = {};
    for (const r of this.resources) {
      resources[r.name] = {
        type: r.type, subnets: r.subnets, ...(r.groups.length ? { groups: r.groups.map((g) => g.name) } : {}),
        ...(r.internetFacing ? { internetFacing: true } : {}),
      };
    }
    const enis = this.instances.length + this.interfaces.length + this.resources.reduce((t, r) => t + r.subnets.length, 0);
    return {
      description: `Synthetic estate (seed ${o.seed}): ${enis} network interfaces, ${this.groups.length} security groups, ${this.vpcs.length} VPC(s)`,
      seed: Math.floor(Number.isFinite(o.seed) ? o.seed : 1),
      ...(Object.keys(this.quotas).length ? { quotas: { ...this.quotas } } : {}),
      prefixLists: {
        office: { entries: OFFICE, maxEntries: OFFICE_MAX },
        vpn: { entries: VPN, maxEntries: VPN_MAX },
      },
      vpcs,
      ...(this.peerings.length ? { peerings } : {}),
      instances,
      ...(this.interfaces.length ? { interfaces } : {}),
      resources,
    };
  }

  summary(): EstateSummary {
    const resourceTypes: Record<string, number> = {};
    for (const r of this.resources) resourceTypes[r.type] = (resourceTypes[r.type] ?? 0) + 1;
    return {
      vpcs: this.vpcs.length,
      subnets: this.vpcs.reduce((t, v) => t + v.subnets.length, 0),
      securityGroups: this.groups.length,
      rules: this.groups.reduce((t, g) => t + g.inbound.length + (g.outbound?.length ?? 0), 0),
      networkAcls: this.vpcs.reduce((t, v) => t + v.aclOf.size, 0),
      networkInterfaces: this.instances.length + this.interfaces.length + this.resources.reduce((t, r) => t + r.subnets.length, 0),
      instances: this.instances.length,
      interfaces: this.interfaces.length,
      resources: this.resources.length,
      resourceTypes,
      peerings: { active: this.peerings.filter((p) => p.status === 'active').length, deleted: this.peerings.filter((p) => p.status === 'deleted').length },
      routeTables: this.vpcs.length * 3,
      mistakes: [...this.mistakes],
    };
  }
}

function ruleData(r: Rule, side: 'from' | 'to'): Record<string, unknown> {
  return { protocol: r.protocol, ...(r.ports !== undefined ? { ports: r.ports } : {}), [side]: r.peer, ...(r.description !== undefined ? { description: r.description } : {}) };
}

// ------------------------------------------------------------------ public API

/** The estate and what went into it: counts, and the mistakes it carries (with `mistakes`). */
export function generateEstateReport(opts: GenerateOptions = {}): { data: EstateData; summary: EstateSummary } {
  const g = new Generator(resolve(opts));
  const data = g.run();
  return { data, summary: g.summary() };
}

/** The estate as plain data: the same object `generateEstate` writes as YAML. */
export function generateEstateData(opts: GenerateOptions = {}): EstateData {
  return generateEstateReport(opts).data;
}

/** A synthetic estate as scenario YAML, ready for `loadScenario`. */
export function generateEstate(opts: GenerateOptions = {}): string {
  const { data, summary } = generateEstateReport(opts);
  const doc = new Document(data);
  // one line per rule, entry, route, subnet, instance and resource
  visit(doc, {
    Map(_, node) {
      if (node.items.every((p) => isScalar(p.value) || (isSeq(p.value) && p.value.items.every((x) => isScalar(x))))) node.flow = true;
    },
    Seq(_, node) {
      if (node.items.every((x) => isScalar(x))) node.flow = true;
    },
  });
  doc.commentBefore =
    ` Generated by rampart's estate generator (seed ${String(data.seed)}): ${summary.networkInterfaces} network interfaces,` +
    ` ${summary.securityGroups} security groups with ${summary.rules} rules, ${summary.networkAcls} custom network ACLs, ${summary.vpcs} VPC(s).`;
  return stringify(doc, { lineWidth: 0 });
}
