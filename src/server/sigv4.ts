// Strict mode: AWS Signature Version 4 verification against configured keys (AWS General Reference,
// "Create a signed AWS API request"). Off by default, where any credentials are accepted as AWS's emulators do.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  /** the account the key belongs to (default: the 12-digit key rule, else 123456789012) */
  accountId?: string;
}

/** `AKID:SECRET[:ACCOUNT],AKID2:SECRET2` */
export function parseCredentials(text: string): Credential[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const [accessKeyId, secretAccessKey, accountId] = entry.split(':');
    if (!accessKeyId || !secretAccessKey) throw new Error(`credentials: '${entry}' is not ACCESS_KEY_ID:SECRET[:ACCOUNT]`);
    if (accountId !== undefined && !/^\d{12}$/.test(accountId)) throw new Error(`credentials: account '${accountId}' is not 12 digits`);
    return { accessKeyId, secretAccessKey, ...(accountId ? { accountId } : {}) };
  });
}

export interface SignedRequest {
  method: string;
  path: string;
  /** the raw query string, without '?' */
  query: string;
  headers: Record<string, string | undefined>;
  body: string;
}

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s).digest();

/** RFC 3986 encoding as SigV4 wants it (unreserved characters left alone). */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(query: string, dropSignature: boolean): string {
  if (!query) return '';
  const pairs = query.split('&').filter(Boolean).map((p) => {
    const i = p.indexOf('=');
    const k = decodeURIComponent((i < 0 ? p : p.slice(0, i)).replace(/\+/g, ' '));
    const v = i < 0 ? '' : decodeURIComponent(p.slice(i + 1).replace(/\+/g, ' '));
    return [uriEncode(k), uriEncode(v)] as const;
  }).filter(([k]) => !(dropSignature && k === 'X-Amz-Signature'));
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export type VerifyResult = { ok: true; credential: Credential } | { ok: false; message: string };

/** Verifies the Authorization header (or presigned query) of a request against the configured keys. */
export function verifySigV4(req: SignedRequest, keys: Credential[]): VerifyResult {
  const header = req.headers['authorization'];
  const params = new URLSearchParams(req.query);
  let credentialText: string;
  let signedHeadersText: string;
  let signature: string;
  let amzDate: string | undefined;
  let presigned = false;
  if (header) {
    const m = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(header.trim());
    if (!m) return { ok: false, message: 'Authorization header is not an AWS Signature Version 4 header' };
    [, credentialText, signedHeadersText, signature] = m;
    amzDate = req.headers['x-amz-date'];
  } else if (params.get('X-Amz-Signature')) {
    presigned = true;
    credentialText = params.get('X-Amz-Credential') ?? '';
    signedHeadersText = params.get('X-Amz-SignedHeaders') ?? 'host';
    signature = params.get('X-Amz-Signature') ?? '';
    amzDate = params.get('X-Amz-Date') ?? undefined;
  } else {
    return { ok: false, message: 'AWS was not able to validate the provided access credentials' };
  }
  const [accessKeyId, date, region, service, terminator] = credentialText.split('/');
  const key = keys.find((k) => k.accessKeyId === accessKeyId);
  if (!key) return { ok: false, message: 'AWS was not able to validate the provided access credentials' };
  if (!amzDate || !date || !region || !service || terminator !== 'aws4_request' || !amzDate.startsWith(date)) {
    return { ok: false, message: 'The credential scope or date of the signature is malformed' };
  }
  const signedHeaders = signedHeadersText.split(';');
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${(req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const payloadHash = presigned ? 'UNSIGNED-PAYLOAD' : (req.headers['x-amz-content-sha256'] ?? sha256(req.body));
  const canonicalRequest = [req.method.toUpperCase(), req.path || '/', canonicalQuery(req.query, presigned), canonicalHeaders, signedHeadersText, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', signingKey).update(stringToSign).digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.' };
  }
  return { ok: true, credential: key };
}
