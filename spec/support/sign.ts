/**
 * A small OAuth 1.0a signer for tests, written from RFC 5849 with node:crypto only (not with the
 * library's own encoder), so a shared bug cannot make both sides agree.
 */
import { createHash, createHmac, createSign, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const enc = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

/** The demo client's private key (a copy of ../shared/fixtures/demo-keys/client.pem, a published test key). */
export const DEMO_PRIVATE_KEY = readFileSync(join(__dirname, '..', 'fixtures', 'demo-client.pem'), 'utf8');

export interface Identity {
  consumerKey: string;
  consumerSecret?: string;
  token: string;
  tokenSecret?: string;
  privateKey?: string;
}

export const ALICE: Identity = {
  consumerKey: 'demo-client',
  consumerSecret: 'demo-client-secret',
  token: 'demo-token',
  tokenSecret: 'demo-token-secret',
  privateKey: DEMO_PRIVATE_KEY,
};
export const BOB: Identity = {
  consumerKey: 'other-client',
  consumerSecret: 'other-client-secret',
  token: 'other-token',
  tokenSecret: 'other-token-secret',
};
export const RSA_ONLY: Identity = {
  consumerKey: 'rsa-client',
  token: 'rsa-token',
  tokenSecret: 'rsa-token-secret',
  privateKey: DEMO_PRIVATE_KEY,
};

export interface SignOptions {
  method?: string;
  /** Full URL as the client sees it, query included; default host http://127.0.0.1. */
  url: string;
  /** Form body parameters (sent form-encoded, signed). */
  form?: [string, string][];
  /** Raw non-form body, hashed into oauth_body_hash when `bodyHash` is set. */
  body?: string | Buffer;
  bodyHash?: boolean;
  signatureMethod?: string;
  who?: Identity;
  timestamp?: number;
  nonce?: string;
  /** Extra or overriding oauth_ parameters (set to undefined to drop one). */
  oauth?: Record<string, string | undefined>;
  realm?: string;
}

export interface Signed {
  oauth: [string, string][];
  baseString: string;
  signature: string;
  /** A ready `Authorization` header value. */
  header: string;
  /** The protocol parameters, oauth_signature included, as a query or form fragment. */
  asQuery: string;
}

const DIGEST: Record<string, string> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };

export function sign(o: SignOptions): Signed {
  const method = (o.method ?? 'GET').toUpperCase();
  const who = o.who ?? ALICE;
  const sigMethod = o.signatureMethod ?? 'HMAC-SHA1';
  const u = new URL(o.url);
  const params: Record<string, string | undefined> = {
    oauth_consumer_key: who.consumerKey,
    oauth_token: who.token,
    oauth_signature_method: sigMethod,
    oauth_timestamp: String(o.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_nonce: o.nonce ?? randomBytes(12).toString('hex'),
    oauth_version: '1.0',
  };
  if (o.bodyHash) {
    const digest = DIGEST[sigMethod.split('-')[1] ?? 'SHA1'] ?? 'sha1';
    params.oauth_body_hash = createHash(digest)
      .update(o.body ?? '')
      .digest('base64');
  }
  Object.assign(params, o.oauth);
  const oauth = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  const query = u.search
    .slice(1)
    .split('&')
    .filter(Boolean)
    .map((p) => {
      const i = p.indexOf('=');
      const d = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
      return i < 0 ? [d(p), ''] : [d(p.slice(0, i)), d(p.slice(i + 1))];
    });
  const pairs = [...query, ...(o.form ?? []), ...oauth]
    .map(([k, v]) => [enc(k), enc(v)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const port =
    u.port && !((u.protocol === 'http:' && u.port === '80') || (u.protocol === 'https:' && u.port === '443'))
      ? `:${u.port}`
      : '';
  const baseUri = `${u.protocol}//${u.hostname}${port}${u.pathname}`;
  const baseString = [method, enc(baseUri), enc(pairs.map(([k, v]) => `${k}=${v}`).join('&'))].join('&');
  const key = `${enc(who.consumerSecret ?? '')}&${enc(who.tokenSecret ?? '')}`;
  let signature: string;
  if (sigMethod.startsWith('HMAC-')) {
    signature = createHmac(DIGEST[sigMethod.slice(5)], key).update(baseString).digest('base64');
  } else if (sigMethod.startsWith('RSA-')) {
    signature = createSign(DIGEST[sigMethod.slice(4)])
      .update(baseString)
      .sign(who.privateKey ?? '', 'base64');
  } else {
    signature = key;
  }
  const all: [string, string][] = [...oauth, ['oauth_signature', signature]];
  const header = `OAuth realm="${o.realm ?? 'demo'}", ` + all.map(([k, v]) => `${k}="${enc(v)}"`).join(', ');
  return { oauth: all, baseString, signature, header, asQuery: all.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&') };
}

/** A form body from pairs, as a browser would send it. */
export const formBody = (pairs: [string, string][]): string => pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
