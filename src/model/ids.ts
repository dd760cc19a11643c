// Resource ids: a prefix and 17 lowercase hex digits (`sg-0123456789abcdef0`), as AWS issues them today.
// Ids come from a seeded generator so a scenario produces the same ids every time it is loaded.

export const ID_PREFIXES = [
  'vpc', 'subnet', 'sg', 'sgr', 'acl', 'aclassoc', 'eni', 'eni-attach', 'i', 'pcx', 'rtb', 'rtbassoc', 'igw',
  'pl', 'fl', 'nip', 'nia', 'nis', 'eipalloc', 'eipassoc', 'vpc-cidr-assoc', 'subnet-cidr-assoc', 'nat', 'vpce',
  'r', 'res',
] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

/**
 * Deterministic id generator: a 64-bit Weyl sequence held in two 32-bit words (odd increment, so its period
 * is the full 2^64) whose values go through murmur3's bijective fmix32 finaliser. The earlier xorshift step,
 * with 64-bit shift constants applied to 32-bit words, cycled after 8,190 draws, so ids repeated after 2,730
 * resources and a Region could not even reach AWS's 2,500 security groups (each group also draws rule ids):
 * a colliding id silently replaced an existing resource.
 */
export class IdGenerator {
  private s0: number;
  private s1: number;
  constructor(seed = 0x5eed) {
    this.s0 = (seed ^ 0x9e3779b9) >>> 0;
    this.s1 = Math.imul(seed, 0x85ebca6b) >>> 0;
  }
  /** next 32-bit unsigned value */
  next32(): number {
    const lo = (this.s0 + 0x7f4a7c15) >>> 0;
    this.s1 = (this.s1 + 0x9e3779b9 + (lo < this.s0 ? 1 : 0)) >>> 0;
    this.s0 = lo;
    // the state (s1:s0 as one 64-bit number) never repeats within 2^64 draws; fmix32 scrambles it
    return fmix32((this.s0 ^ fmix32(this.s1)) >>> 0);
  }
  hex(digits: number): string {
    let out = '';
    while (out.length < digits) out += this.next32().toString(16).padStart(8, '0');
    return out.slice(0, digits);
  }
  id(prefix: IdPrefix): string {
    return `${prefix}-${this.hex(17)}`;
  }
  /** state for persistence */
  get state(): [number, number] {
    return [this.s0, this.s1];
  }
  set state(s: [number, number]) {
    [this.s0, this.s1] = s;
  }
}

/** murmur3's 32-bit finaliser: a bijection on 32-bit integers with good avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const ID_RE = /^([a-z]+(?:-[a-z]+)*)-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** True when `id` is a well-formed id of the given type (AWS accepts the old 8-digit and the 17-digit forms). */
export function isIdOf(prefix: IdPrefix, id: string): boolean {
  const m = ID_RE.exec(id);
  return m !== null && m[1] === prefix;
}

export function arn(region: string, account: string, resourceType: string, id: string): string {
  return `arn:aws:ec2:${region}:${account}:${resourceType}/${id}`;
}
