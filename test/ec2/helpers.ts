import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { operation, shapeOf, type MemberRef, type Operation, type Shape } from '../../src/ec2/model.js';

const HELPER = fileURLToPath(new URL('./botocore-helper.py', import.meta.url));

export interface BotocoreJob {
  responses?: { operation: string; status: number; body: string }[];
  requests?: { operation: string; params: unknown }[];
}
export interface BotocoreResult {
  responses: Record<string, unknown>[];
  requests: Record<string, string>[];
}

/** Parses responses and serializes requests with the pip-installed botocore, in one python3 run. */
export function botocore(job: BotocoreJob): BotocoreResult {
  const out = execFileSync('python3', [HELPER], {
    input: JSON.stringify(normalise(job)),
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
  });
  return JSON.parse(out) as BotocoreResult;
}

export function op(name: string): Operation {
  const found = operation(name);
  if (!found) throw new Error(`no operation ${name}`);
  return found;
}

/** JSON form shared with the python helper: Date -> ISO 8601 with ms and Z, bytes -> {$blob: base64}. */
export function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return { $blob: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}

/** A value for every member of a shape, reaching all of the shape's nested members: lists get two items
 *  near the top (to check order) and one deeper down (to keep RunInstances' Reservation small). */
export function sample(ref: MemberRef, member = 'Value', depth = 0): unknown {
  const shape: Shape = shapeOf(ref);
  switch (shape.type) {
    case 'structure':
      return Object.fromEntries(
        Object.entries(shape.members).map(([name, child]) => [name, sample(child, name, depth + 1)]),
      );
    case 'list':
      return Array.from({ length: depth < 3 ? 2 : 1 }, (_, i) => {
        const item = sample(shape.member, member, depth + 1);
        return typeof item === 'string' && !shapeEnum(shape.member) ? `${item}-${i + 1}` : item;
      });
    case 'string':
      return shape.enum ? shape.enum[shape.enum.length - 1] : `${member} <&> 'v' "${depth}"`;
    case 'integer':
      return 40 + depth;
    case 'long':
      return 9_007_199_254_740_000 + depth;
    case 'double':
    case 'float':
      return 1.5;
    case 'boolean':
      return depth % 2 === 0;
    case 'timestamp':
      return new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    case 'blob':
      return new Uint8Array(Buffer.from(`blob ${member}`));
  }
}

function shapeEnum(ref: MemberRef): boolean {
  const s = shapeOf(ref);
  return s.type === 'string' && !!s.enum;
}
