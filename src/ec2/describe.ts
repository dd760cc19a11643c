// What every Describe call shares: filters (with AWS's wildcards and the tag filters), pagination with
// MaxResults/NextToken, lookups by id that fail with the resource's NotFound error, and tags in and out.
import { AwsError, Errors } from '../model/errors.js';
import type { Tag } from '../model/types.js';

type FilterValue = string | number | boolean | undefined | null;
/** filter name -> the item's value(s) for it */
export type FilterDefs<T> = Record<string, (item: T) => FilterValue | FilterValue[]>;

export interface FilterInput {
  Name?: string;
  Values?: string[];
}

function globToRegExp(glob: string): RegExp {
  // AWS filter values accept * (any run) and ? (one character); \ escapes them.
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\' && i + 1 < glob.length) re += glob[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

type Wanted = { exact: string } | { pattern: RegExp };

/** A filter value: a plain string compares as a string; one with wildcards becomes a pattern. */
function wantedOf(value: string): Wanted {
  return /[*?\\]/.test(value) ? { pattern: globToRegExp(value) } : { exact: value };
}

function matches(values: FilterValue | FilterValue[], wanted: Wanted[]): boolean {
  const list = Array.isArray(values) ? values : [values];
  for (const v of list) {
    if (v === undefined || v === null) continue;
    const text = String(v);
    for (const w of wanted) if ('exact' in w ? w.exact === text : w.pattern.test(text)) return true;
  }
  return false;
}

/**
 * Applies Describe filters: values of one filter are ORed, filters are ANDed; `tag:<key>`, `tag-key` and
 * `tag-value` work on every taggable resource. An unknown filter name is InvalidParameterValue, as in AWS.
 */
export function applyFilters<T extends { tags?: Tag[] }>(items: T[], filters: FilterInput[] | undefined, defs: FilterDefs<T>): T[] {
  if (!filters || filters.length === 0) return items;
  const compiled = filters.map((f) => {
    const name = f.Name;
    if (!name) throw Errors.missingParameter('Filter.N.Name');
    const wanted = (f.Values ?? []).map(wantedOf);
    let get: (item: T) => FilterValue | FilterValue[];
    if (name.startsWith('tag:')) {
      const key = name.slice(4);
      get = (item) => item.tags?.find((t) => t.key === key)?.value;
    } else if (name === 'tag-key') get = (item) => (item.tags ?? []).map((t) => t.key);
    else if (name === 'tag-value') get = (item) => (item.tags ?? []).map((t) => t.value);
    else {
      const def = defs[name];
      if (!def) throw Errors.invalidParameterValue(`The filter '${name}' is invalid`);
      get = def;
    }
    return { get, wanted };
  });
  return items.filter((item) => compiled.every((c) => c.wanted.length > 0 && matches(c.get(item), c.wanted)));
}

/**
 * MaxResults / NextToken. The token is opaque to clients (an offset here, base64-encoded); a token that was not
 * issued is InvalidParameterValue. MaxResults bounds are per operation (commonly 5–1000).
 */
export function paginate<T>(items: T[], input: { MaxResults?: number; NextToken?: string }, bounds: { min: number; max: number } = { min: 5, max: 1000 }): { page: T[]; nextToken?: string } {
  let start = 0;
  if (input.NextToken !== undefined && input.NextToken !== '') {
    const decoded = Buffer.from(input.NextToken, 'base64').toString('utf8');
    const m = /^offset:(\d+)$/.exec(decoded);
    if (!m) throw Errors.invalidParameterValue(`Invalid value '${input.NextToken}' for NextToken`);
    start = Number(m[1]);
  }
  if (input.MaxResults === undefined) return { page: items.slice(start) };
  if (input.MaxResults < bounds.min || input.MaxResults > bounds.max) {
    throw Errors.invalidParameterValue(`Value ( ${input.MaxResults} ) for parameter maxResults is invalid. Expecting a value between ${bounds.min} and ${bounds.max}.`);
  }
  const end = start + input.MaxResults;
  const page = items.slice(start, end);
  return end < items.length ? { page, nextToken: Buffer.from(`offset:${end}`).toString('base64') } : { page };
}

/** Resources by id, in the order asked, each missing id failing with the resource's NotFound error. */
export function byIds<T>(all: ReadonlyMap<string, T>, ids: string[] | undefined, notFound: (id: string) => AwsError): T[] {
  if (!ids || ids.length === 0) return [...all.values()];
  return ids.map((id) => {
    const x = all.get(id);
    if (x === undefined) throw notFound(id);
    return x;
  });
}

export function tagsOut(tags: Tag[]): { Key: string; Value: string }[] {
  return tags.map((t) => ({ Key: t.key, Value: t.value }));
}

export function tagsIn(tags: { Key?: string; Value?: string }[] | undefined): Tag[] {
  return (tags ?? []).map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' }));
}

/** Tags of TagSpecifications for one resource type; a specification for another type is InvalidParameterValue. */
export function tagSpecifications(specs: { ResourceType?: string; Tags?: { Key?: string; Value?: string }[] }[] | undefined, resourceType: string): Tag[] {
  const out: Tag[] = [];
  for (const s of specs ?? []) {
    if (s.ResourceType !== undefined && s.ResourceType !== resourceType) {
      throw Errors.invalidParameterValue(`'${s.ResourceType}' is not a valid taggable resource type for this operation.`);
    }
    out.push(...tagsIn(s.Tags));
  }
  return out;
}
