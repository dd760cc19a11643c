// Reading what to import: single files, folders, and the `aws_configs/<region>/*.json` and
// `aws_configs/accounts/<account>/<region>/*.json` layouts. A file's type is told by its top-level key (or, for
// terraform, by `format_version` with `values` or `planned_values`), never by its name.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { DESCRIBE_KEYS, ENVELOPE_KEYS, Snapshot, arr, isObj, str, type DescribeKey, type ImportWarning, type J } from './source.js';
import { isTerraformJson, readTerraform } from './terraform.js';

/** Bad input: a path that does not exist, a file that is not JSON (exit status 2). */
export class ImportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportInputError';
  }
}

export interface ReadOptions {
  /** account for documents that say nothing of theirs */
  account?: string;
  /** Region for documents that say nothing of theirs */
  region?: string;
}

export interface ReadResult {
  snapshots: Snapshot[];
  warnings: ImportWarning[];
  files: number;
}

/** A Region name as AWS writes them (`us-east-1`, `us-gov-west-1`, `ap-southeast-3`). */
const REGION_RE = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+$/;
const ACCOUNT_RE = /^\d{12}$/;

interface Doc {
  file: string;
  data: unknown;
  account?: string;
  region?: string;
}

/** Lists the .json files of a source (a file, or a folder walked recursively in name order). */
function jsonFiles(path: string): { file: string; root: string }[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new ImportInputError(`${path}: no such file or folder`);
  }
  if (st.isFile()) return [{ file: path, root: path }];
  const out: { file: string; root: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else if (s.isFile() && name.toLowerCase().endsWith('.json')) out.push({ file: p, root: path });
    }
  };
  walk(path);
  return out;
}

/**
 * The account and Region a file's place in a layout names: `…/accounts/<account>/<region>/x.json` or
 * `…/<region>/x.json`. The nearest matching folder wins.
 */
export function layoutOf(file: string, root: string): { account?: string; region?: string } {
  const parts = relative(root, file).split(sep).slice(0, -1);
  let account: string | undefined;
  let region: string | undefined;
  for (let i = parts.length - 1; i >= 0; i--) {
    if (region === undefined && REGION_RE.test(parts[i])) region = parts[i];
    else if (account === undefined && ACCOUNT_RE.test(parts[i])) account = parts[i];
  }
  return { account, region };
}

/** Region and account told by the data itself: an AvailabilityZone, an OwnerId, or an ARN. */
function inferFrom(data: unknown): { account?: string; region?: string } {
  let account: string | undefined;
  let region: string | undefined;
  let budget = 5000;
  const visit = (v: unknown, key: string): void => {
    if (budget-- <= 0 || (account && region)) return;
    if (typeof v === 'string') {
      if (!region && (key === 'AvailabilityZone' || key === 'availability_zone')) {
        const m = /^([a-z]{2}(?:-gov)?-[a-z]+-\d+)/.exec(v);
        if (m) region = m[1];
      }
      if (!account && (key === 'OwnerId' || key === 'owner_id') && ACCOUNT_RE.test(v)) account = v;
      if (v.startsWith('arn:aws')) {
        const [, , , r, a] = v.split(':');
        if (!region && r && REGION_RE.test(r)) region = r;
        if (!account && a && ACCOUNT_RE.test(a)) account = a;
      }
      return;
    }
    if (Array.isArray(v)) for (const x of v) visit(x, key);
    else if (isObj(v)) for (const [k, x] of Object.entries(v)) visit(x, k);
  };
  visit(data, '');
  return { account, region };
}

/** Reads every source and sorts its items into one snapshot per account and Region. */
export function readSources(sources: string[], opts: ReadOptions = {}): ReadResult {
  const warnings: ImportWarning[] = [];
  const docs: Doc[] = [];
  for (const src of sources) {
    for (const { file, root } of jsonFiles(src)) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new ImportInputError(`${file}: cannot be read: ${(e as Error).message}`);
      }
      let data: unknown;
      try {
        data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      } catch (e) {
        throw new ImportInputError(`${file}: not JSON: ${(e as Error).message}`);
      }
      const fromLayout = root === file ? {} : layoutOf(file, root);
      const inferred = inferFrom(data);
      // terraform: the provider's region when the configuration gives it as a constant
      const tfRegion = (((data as J)?.configuration as J | undefined)?.provider_config as J | undefined)?.aws as J | undefined;
      const constRegion = ((tfRegion?.expressions as J | undefined)?.region as J | undefined)?.constant_value;
      if (!inferred.region && typeof constRegion === 'string' && REGION_RE.test(constRegion)) inferred.region = constRegion;
      docs.push({
        file,
        data,
        account: fromLayout.account ?? opts.account ?? inferred.account,
        region: fromLayout.region ?? opts.region ?? inferred.region,
      });
    }
  }
  if (docs.length === 0) throw new ImportInputError(`no .json files in ${sources.join(', ')}`);

  // Documents that say nothing of their account or Region join the only one there is, else the defaults.
  const known = new Map<string, Snapshot>();
  const keyOf = (a: string | undefined, r: string | undefined) => `${a ?? ''}|${r ?? ''}`;
  const accounts = new Set(docs.map((d) => d.account).filter((a) => a !== undefined));
  const regions = new Set(docs.map((d) => d.region).filter((r) => r !== undefined));
  const snapshotOf = (d: Doc): Snapshot => {
    let account = d.account;
    let region = d.region;
    if (!account && accounts.size === 1) account = [...accounts][0];
    if (!region && regions.size === 1) region = [...regions][0];
    const k = keyOf(account, region);
    let s = known.get(k);
    if (!s) known.set(k, (s = new Snapshot(account, region)));
    return s;
  };

  for (const d of docs) {
    const snap = snapshotOf(d);
    if (isTerraformJson(d.data)) {
      readTerraform(d.data as J, d.file, snap, warnings);
      continue;
    }
    if (!isObj(d.data)) {
      warnings.push({ kind: 'skipped', file: d.file, path: '$', message: 'not a describe-* output: the top level is not a JSON object' });
      continue;
    }
    classify(d.data, d.file, snap, warnings);
  }
  return { snapshots: [...known.values()].filter((s) => s.size > 0 || s.prefixListEntries.size > 0), warnings, files: docs.length };
}

/** Sorts a describe-* document's items by its top-level keys. */
export function classify(data: J, file: string, snap: Snapshot, warnings: ImportWarning[]): void {
  const keys = Object.keys(data);
  if (keys.length === 0) {
    warnings.push({ kind: 'note', file, path: '$', message: 'empty document' });
    return;
  }
  for (const key of keys) {
    if (ENVELOPE_KEYS.has(key)) continue;
    if (key === 'PrefixListId' && Array.isArray(data.Entries)) continue;
    if (!Object.hasOwn(DESCRIBE_KEYS, key)) {
      warnings.push({
        kind: 'skipped', file, path: `$.${key}`,
        message: `unknown top-level key '${key}': not the output of a describe command rampart reads (${Object.keys(DESCRIBE_KEYS).join(', ')})`,
      });
      continue;
    }
    const value = data[key];
    if (!Array.isArray(value)) {
      warnings.push({ kind: 'skipped', file, path: `$.${key}`, message: `'${key}' should be a list` });
      continue;
    }
    const k = key as DescribeKey;
    if (k === 'Entries') {
      // get-managed-prefix-list-entries prints only `Entries`: the list's id must come from the document
      // (`PrefixListId`, as some collectors add) or from the file name (`pl-0123….json`).
      const plId = str(data, 'PrefixListId') ?? /(pl-[0-9a-f]{8,17})/.exec(basename(file))?.[1];
      if (!plId) {
        warnings.push({ kind: 'skipped', file, path: '$.Entries', message: 'prefix list entries without a prefix list id: add "PrefixListId" to the document or name the file after the list (pl-….json)' });
        continue;
      }
      const l = snap.prefixListEntries.get(plId) ?? [];
      value.forEach((e, i) => {
        if (isObj(e)) l.push({ item: e, file, path: `$.Entries[${i}]` });
      });
      snap.prefixListEntries.set(plId, l);
      continue;
    }
    value.forEach((item, i) => {
      const path = `$.${key}[${i}]`;
      if (!isObj(item)) {
        warnings.push({ kind: 'skipped', file, path, message: 'not an object' });
        return;
      }
      if (k === 'ManagedPrefixLists' && Array.isArray(item.Entries)) {
        const id = str(item, 'PrefixListId');
        if (id) snap.prefixListEntries.set(id, arr(item, 'Entries').map((e, j) => ({ item: e, file, path: `${path}.Entries[${j}]` })));
      }
      snap.add(k, { item, file, path });
    });
  }
}
