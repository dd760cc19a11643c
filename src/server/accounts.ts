// The states a server holds: one Region (with its engine) per account and Region, created with AWS's default
// resources the first time a request names them.
import { randomUUID } from 'node:crypto';
import { Engine } from '../engine/engine.js';
import type { Quotas } from '../model/quotas.js';
import { DEFAULT_ACCOUNT, DEFAULT_REGION, Region } from '../state/region.js';

export interface Tenant {
  accountId: string;
  regionName: string;
  region: Region;
  engine: Engine;
}

export class Accounts {
  private readonly tenants = new Map<string, Tenant>();
  constructor(readonly options: { quotas?: Partial<Quotas> } = {}) {}

  get(accountId: string, regionName: string): Tenant {
    const key = `${accountId}|${regionName}`;
    let t = this.tenants.get(key);
    if (!t) {
      // a stable seed per account and Region: the same requests give the same ids
      let seed = 0;
      for (const ch of key) seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) >>> 0;
      const region = new Region({ accountId, region: regionName, quotas: this.options.quotas, seed });
      t = { accountId, regionName, region, engine: new Engine(region) };
      this.tenants.set(key, t);
    }
    return t;
  }

  all(): Tenant[] {
    return [...this.tenants.values()];
  }

  /** Forgets every account and Region (moto's /moto-api/reset). */
  reset(): void {
    for (const t of this.tenants.values()) t.engine.dispose();
    this.tenants.clear();
  }
}

export interface Caller {
  accessKeyId: string;
  accountId: string;
  regionName: string;
}

/**
 * Who is calling, from the SigV4 Authorization header (`Credential=AKID/20260101/us-east-1/ec2/aws4_request`)
 * or the X-Amz-Credential query parameter. The account: a 12-digit access key id is taken as the account
 * (moto's convention); any other key is the default account 123456789012.
 */
export function callerOf(authorization: string | undefined, queryCredential: string | undefined): Caller {
  const cred = /Credential=([^,\s]+)/.exec(authorization ?? '')?.[1] ?? queryCredential ?? '';
  const [accessKeyId = '', , regionName] = cred.split('/');
  return {
    accessKeyId,
    accountId: /^\d{12}$/.test(accessKeyId) ? accessKeyId : DEFAULT_ACCOUNT,
    regionName: regionName && /^[a-z0-9-]{1,40}$/.test(regionName) ? regionName : DEFAULT_REGION,
  };
}

export function newRequestId(): string {
  return randomUUID();
}
