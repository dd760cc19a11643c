// Resource ids: a prefix and 17 lowercase hex digits (`sg-0123456789abcdef0`), as AWS issues them today.
// Ids come from a seeded generator so a scenario produces the same ids every time it is loaded.

export const ID_PREFIXES = [
  'vpc', 'subnet', 'sg', 'sgr', 'acl', 'aclassoc', 'eni', 'eni-attach', 'i', 'pcx', 'rtb', 'rtbassoc', 'igw',
  'pl', 'fl', 'nip', 'nia', 'nis', 'eipalloc', 'eipassoc', 'vpc-cidr-assoc', 'subnet-cidr-assoc', 'nat', 'vpce',
  'r', 'res',
] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

/** xorshift128+ style generator: small, fast and deterministic for a given seed. */
export class IdGenerator {
  private s0: number;
  private s1: number;
  constructor(seed = 0x5eed) {
    this.s0 = (seed ^ 0x9e3779b9) >>> 0 || 1;
    this.s1 = (Math.imul(seed, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0 || 2;
  }
  /** next 32-bit unsigned value */
  next32(): number {
    let x = this.s0;
    const y = this.s1;
    this.s0 = y;
    x ^= x << 23;
    x ^= x >>> 17;
    x ^= y ^ (y >>> 26);
    this.s1 = x >>> 0;
    return (this.s0 + this.s1) >>> 0;
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

const ID_RE = /^([a-z]+(?:-[a-z]+)*)-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** True when `id` is a well-formed id of the given type (AWS accepts the old 8-digit and the 17-digit forms). */
export function isIdOf(prefix: IdPrefix, id: string): boolean {
  const m = ID_RE.exec(id);
  return m !== null && m[1] === prefix;
}

export function arn(region: string, account: string, resourceType: string, id: string): string {
  return `arn:aws:ec2:${region}:${account}:${resourceType}/${id}`;
}
