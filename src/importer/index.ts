// `rampart import`: real accounts (AWS CLI describe-* JSON, terraform show -json) into Regions the rest of
// rampart works on. See read.ts (what is read), terraform.ts, build.ts (how a Region is made), export.ts
// (a Region back to describe-* JSON) and scenario.ts (a Region as a scenario file).
import { readSources, type ReadOptions } from './read.js';
import { buildRegion } from './build.js';
import type { Region } from '../state/region.js';
import type { Quotas } from '../model/quotas.js';
import type { ImportWarning } from './source.js';

export { ImportInputError, readSources } from './read.js';
export { buildRegion } from './build.js';
export type { ImportWarning } from './source.js';

export interface ImportOptions extends ReadOptions {
  /** id generator seed for what the import does not supply */
  seed?: number;
  /** progress: resources created so far, of the total, per account/Region */
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface ImportedRegion {
  account: string;
  region: string;
  state: Region;
  /** quotas above AWS's defaults the account needs */
  quotas: Partial<Quotas>;
  counts: Record<string, number>;
}

export interface ImportResult {
  regions: ImportedRegion[];
  warnings: ImportWarning[];
  files: number;
  /** warnings of kind `skipped`: something of the account is not in the result */
  skipped: number;
}

export function importSources(sources: string[], opts: ImportOptions = {}): ImportResult {
  const read = readSources(sources, opts);
  const warnings = read.warnings;
  const regions: ImportedRegion[] = [];
  for (const snap of read.snapshots) {
    const label = `${snap.account ?? '?'}/${snap.region ?? '?'}`;
    const built = buildRegion(snap, warnings, { seed: opts.seed, onProgress: opts.onProgress ? (d, t) => opts.onProgress!(d, t, label) : undefined });
    regions.push({ account: built.region.accountId, region: built.region.name, state: built.region, quotas: built.quotas, counts: built.counts });
  }
  return { regions, warnings, files: read.files, skipped: warnings.filter((w) => w.kind === 'skipped').length };
}
