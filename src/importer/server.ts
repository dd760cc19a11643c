// Loading an import into a running `rampart serve`: `POST /_rampart/import?account=…&region=…` with the
// describe-* documents (as `rampart export` writes them) builds them into that account and Region with the
// real ids. The call is journaled like an EC2 call (action `RampartImport`), so a restarted server replays it
// and holds the same state.
import { randomUUID } from 'node:crypto';
import type { Accounts } from '../server/accounts.js';
import type { JournalCall } from '../store/journal.js';
import { DEFAULT_ACCOUNT, DEFAULT_REGION, type Region } from '../state/region.js';
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

/** What the server does with `POST /_rampart/import`: the answer, and the journal row when the state changed. */
export interface ImportCall {
  status: number;
  body: unknown;
  call?: JournalCall;
  event?: Record<string, unknown>;
}

/**
 * Applies `POST /_rampart/import?account=&region=` to the accounts. A body that cannot be read is a 400 and
 * changes nothing; otherwise the import is applied (what it cannot take comes back as `skipped` warnings) and
 * journaled as one call, with a CloudTrail-shaped event of eventSource `rampart`.
 */
export function importCall(accounts: Accounts, rawQuery: string, body: string, sourceIp = '127.0.0.1'): ImportCall {
  const q = new URLSearchParams(rawQuery);
  const account = q.get('account') ?? DEFAULT_ACCOUNT;
  const regionName = q.get('region') ?? DEFAULT_REGION;
  if (!/^\d{12}$/.test(account)) return { status: 400, body: { error: `account must be 12 digits, not '${account}'` } };
  try {
    parseImportBody(body);
  } catch (e) {
    return { status: 400, body: { error: (e as Error).message } };
  }
  const tenant = accounts.get(account, regionName);
  const result = importIntoRegion(tenant.region, body);
  const requestId = randomUUID();
  const now = new Date();
  const event = {
    eventVersion: '1.08', userIdentity: { type: 'IAMUser', accountId: account }, eventTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'rampart', eventName: IMPORT_ACTION, awsRegion: regionName, sourceIPAddress: sourceIp, requestParameters: { account, region: regionName },
    responseElements: { counts: result.counts, skipped: result.warnings.filter((w) => w.kind === 'skipped').length }, requestID: requestId, eventID: randomUUID(),
    readOnly: false, eventType: 'RampartImport', managementEvent: true, recipientAccountId: account,
  };
  const call: JournalCall = {
    accountId: account, regionName, action: IMPORT_ACTION, params: [[IMPORT_PARAM, body]], requestId, time: now.toISOString(), accessKeyId: '', sourceIp, event,
    eventJson: JSON.stringify(event),
  };
  return { status: 200, body: result, call, event };
}

/** Replays a journaled import (the same documents give the same state). */
export function replayImport(region: Region, params: [string, string][]): void {
  const body = params.find(([k]) => k === IMPORT_PARAM)?.[1];
  if (body !== undefined) importIntoRegion(region, body);
}
