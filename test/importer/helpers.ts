// Fixtures of test/fixtures/import and a comparison of describe-* output, member by member.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/import');
export const ACCOUNT_DIR = join(FIXTURES, 'aws_configs/accounts/111122223333/us-east-1');

type J = Record<string, unknown>;

/** Every item under a top-level key in the .json files of a folder. */
export function fixtureItems(dir: string, key: string): J[] {
  const out: J[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    const data = JSON.parse(readFileSync(join(dir, f), 'utf8')) as J;
    if (Array.isArray(data[key])) out.push(...(data[key] as J[]));
  }
  return out;
}

/** Lists compare as multisets (AWS does not promise an order); objects member by member. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical).map((x) => JSON.stringify(x)).sort();
  if (v !== null && typeof v === 'object') {
    const o: J = {};
    for (const k of Object.keys(v as J).sort()) o[k] = canonical((v as J)[k]);
    return o;
  }
  return v;
}

/**
 * Differences between what a fixture item says and what the exported item says, for every member of the
 * fixture item except `ignore` (members AWS prints that rampart does not model). A member the export lacks is
 * a difference too, so nothing can be lost silently.
 */
export function differences(fixture: J[], exported: J[], idKey: string, ignore: string[] = []): string[] {
  const byId = new Map(exported.map((e) => [String(e[idKey]), e]));
  const out: string[] = [];
  for (const f of fixture) {
    const id = String(f[idKey]);
    const e = byId.get(id);
    if (!e) {
      out.push(`${id}: missing`);
      continue;
    }
    for (const k of Object.keys(f)) {
      if (ignore.includes(k)) continue;
      const a = JSON.stringify(canonical(strip(f[k], ignore)));
      const b = JSON.stringify(canonical(strip(e[k], ignore)));
      if (a !== b) out.push(`${id}.${k}: fixture ${a} != imported ${b}`);
    }
  }
  return out;
}

/** Drops ignored members at any depth. */
function strip(v: unknown, ignore: string[]): unknown {
  if (Array.isArray(v)) return v.map((x) => strip(x, ignore));
  if (v !== null && typeof v === 'object') {
    const o: J = {};
    for (const [k, x] of Object.entries(v as J)) if (!ignore.includes(k)) o[k] = strip(x, ignore);
    return o;
  }
  return v;
}
