// Loading an import into a running `rampart serve`: `POST /_rampart/import?account=…&region=…` with the
// describe-* documents (as `rampart export` writes them) builds them into that account and Region with the
// real ids. The call is journaled like an EC2 call (action `RampartImport`), so a restarted server replays it
// and holds the same state.
import type { Region } from '../state/region.js';
import { classify } from './read.js';
import { buildRegion } from './build.js';
import { Snapshot, isObj, type ImportWarning } from './source.js';

export const IMPORT_ACTION = 'RampartImport';
/** the journal parameter holding the request body */
export const IMPORT_PARAM = 'Documents';

export interface ServerImportResult {
  account: string;
  region: string;
  counts: Record<string, number>;
  warnings: ImportWarning[];
}

/**
 * The default VPC every account and Region starts with (as AWS creates it), if nothing was ever put in it:
 * an import that brings the account's real default VPC replaces it.
 */
function dropUntouchedDefaultVpc(region: Region): void {
  const v = region.defaultVpc();
  if (!v) return;
  const inVpc = <T extends { vpcId: string }>(m: Map<string, T>) => [...m.values()].filter((x) => x.vpcId === v.id);
  if (inVpc(region.networkInterfaces).length || inVpc(region.securityGroups).length > 1 || inVpc(region.networkAcls).length > 1 || inVpc(region.routeTables).length > 1) return;
  if ([...region.vpcPeeringConnections.values()].some((p) => p.requesterVpcId === v.id || p.accepterVpcId === v.id)) return;
  for (const s of inVpc(region.subnets)) region.deleteSubnet(s.id);
  const igw = region.attachedInternetGateway(v.id);
  if (igw) {
    region.detachInternetGateway(igw.id, v.id);
    region.deleteInternetGateway(igw.id);
  }
  region.deleteVpc(v.id);
}

/** Parses the body: `{ "documents": [ { "name": "vpcs.json", "data": { "Vpcs": [...] } }, … ] }`. */
export function parseImportBody(body: string): { name: string; data: Record<string, unknown> }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    throw new Error(`the body is not JSON: ${(e as Error).message}`);
  }
  if (!isObj(parsed) || !Array.isArray(parsed.documents)) throw new Error('the body must be {"documents": [{"name": …, "data": {…}}, …]}');
  return parsed.documents.map((d, i) => {
    if (!isObj(d) || !isObj(d.data)) throw new Error(`documents[${i}] must be {"name": …, "data": {…}}`);
    return { name: typeof d.name === 'string' ? d.name : `document-${i}.json`, data: d.data };
  });
}

/** Builds the documents into a server's Region (the same on a live call and on replay). */
export function importIntoRegion(region: Region, body: string): ServerImportResult {
  const docs = parseImportBody(body);
  const snap = new Snapshot(region.accountId, region.name);
  const warnings: ImportWarning[] = [];
  for (const d of docs) classify(d.data, d.name, snap, warnings);
  if (snap.list('Vpcs').some((v) => v.item.IsDefault === true)) dropUntouchedDefaultVpc(region);
  const built = buildRegion(snap, warnings, { region });
  return { account: region.accountId, region: region.name, counts: built.counts, warnings };
}
