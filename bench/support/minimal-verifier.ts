/**
 * The least a verifier of RFC 5849 requests can do, written as fast as we could: the yardstick between the
 * floor (the cryptography alone) and the library's guard. For each request it finds the `Authorization`
 * header's values with `indexOf`, takes each name and value as sent when it is already in the canonical
 * encoding (§3.6, checked character by character; decoded and encoded again otherwise), adds the query's,
 * sorts them by insertion, writes the base string escaping only what an encoded pair can hold, remembers the
 * last base string URI's encoding, checks the signature (as the floor does), the client and token, the
 * timestamp window and records the nonce in the library's hashed table (`MemoryNonceCache`, the cheapest nonce
 * record we have). Nothing else: no grammar beyond finding the values, no limits, no Host validation, no body,
 * no stores behind an interface, no error contract, nothing handed to the application. Not a verifier anyone
 * should deploy: it shows what the protocol's own steps cost here, done the fastest way we know.
 */
import { MemoryNonceCache } from '../../src/protector/memory-nonce-cache';
import { DEFAULTS } from '../../src/protector/settings';
import { hmac, hmacKey } from '../../src/rfc5849/hmac';
import { enc, type Identity } from '../../spec/support/sign';
import { middleware, type Floor } from './floors';

/** The window the library's protector has by default. */
const WINDOW_SECONDS = DEFAULTS.timestampWindowSeconds;

/** A signed request, as the minimal verifier reads it. */
export interface MinimalRequest {
  method: string;
  /** "http" or "https" */
  scheme: string;
  host: string;
  /** The request-target: path and query. */
  target: string;
  authorization: string;
}

/** The protocol parameters the checks after the signature need. */
export interface MinimalSigned {
  consumerKey: string;
  token: string;
  timestamp: string;
  nonce: string;
}

/** The signature step alone (what `verifySignature` does): the parameters it needs next when it verifies. */
export type MinimalSignatureCheck = (request: MinimalRequest) => MinimalSigned | undefined;

/** 1 for the unreserved characters of §3.6, by character code. */
const UNRESERVED = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') UNRESERVED[c.charCodeAt(0)] = 1;
const UPPER_HEX = /^[0-9A-F]{2}$/;

/** `text` in the canonical encoding of §3.6: as sent when it already is (nearly always), else encoded again. */
function canonical(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && UNRESERVED[c] === 1) continue;
    if (c === 0x25) {
      // An uppercase escape of a character that must stay escaped is canonical too.
      const hex = text.slice(i + 1, i + 3);
      const byte = UPPER_HEX.test(hex) ? parseInt(hex, 16) : -1;
      if (byte >= 0 && (byte >= 128 || UNRESERVED[byte] === 0)) {
        i += 2;
        continue;
      }
    }
    return enc(decodeURIComponent(text));
  }
  return text;
}

/** A canonically encoded name or value, encoded once more: `%` is all it can hold that needs it. */
const encodedAgain = (text: string) => (text.includes('%') ? text.replace(/%/g, '%25') : text);

/**
 * Parameters, base string and signature; `check(baseString, signature)` is the cryptography (HMAC-SHA1 with the
 * library's HMAC by default, as the floor).
 */
export function minimalSignatureCheck(
  who: Identity,
  check: (baseString: string, signature: string) => boolean = hmacSha1Check(who),
): MinimalSignatureCheck {
  let lastUri = '';
  let lastEncodedUri = '';
  const names: string[] = [];
  const values: string[] = [];
  return ({ method, scheme, host, target, authorization }) => {
    if (!authorization.startsWith('OAuth ')) return undefined;
    names.length = 0;
    values.length = 0;
    let signature = '';
    const signed: MinimalSigned = { consumerKey: '', token: '', timestamp: '', nonce: '' };
    for (let i = 6; ;) {
      while (authorization.charCodeAt(i) === 0x20 || authorization.charCodeAt(i) === 0x2c) i++;
      const eq = authorization.indexOf('="', i);
      if (eq < 0) break;
      const close = authorization.indexOf('"', eq + 2);
      if (close < 0) return undefined;
      const name = authorization.slice(i, eq);
      const value = authorization.slice(eq + 2, close);
      i = close + 1;
      if (name === 'realm') continue;
      if (name === 'oauth_signature') {
        signature = value;
        continue;
      }
      if (name === 'oauth_consumer_key') signed.consumerKey = value;
      else if (name === 'oauth_token') signed.token = value;
      else if (name === 'oauth_timestamp') signed.timestamp = value;
      else if (name === 'oauth_nonce') signed.nonce = value;
      names.push(canonical(name));
      values.push(canonical(value));
    }
    const q = target.indexOf('?');
    if (q >= 0) {
      for (const pair of target.slice(q + 1).split('&')) {
        const eq = pair.indexOf('=');
        names.push(canonical(eq < 0 ? pair : pair.slice(0, eq)));
        values.push(eq < 0 ? '' : canonical(pair.slice(eq + 1)));
      }
    }
    // By name, then by value (§3.4.1.3.2).
    for (let j = 1; j < names.length; j++) {
      const name = names[j];
      const value = values[j];
      let k = j - 1;
      for (; k >= 0 && (names[k] > name || (names[k] === name && values[k] > value)); k--) {
        names[k + 1] = names[k];
        values[k + 1] = values[k];
      }
      names[k + 1] = name;
      values[k + 1] = value;
    }
    const uri = `${scheme}://${host}${q >= 0 ? target.slice(0, q) : target}`;
    if (uri !== lastUri) {
      lastUri = uri;
      lastEncodedUri = enc(uri);
    }
    let baseString = `${method}&${lastEncodedUri}&`;
    for (let j = 0; j < names.length; j++) {
      baseString += `${j === 0 ? '' : '%26'}${encodedAgain(names[j])}%3D${encodedAgain(values[j])}`;
    }
    return check(baseString, decodeURIComponent(signature)) ? signed : undefined;
  };
}

/** The whole minimal verifier: the signature, the client and token, the timestamp window and the nonce. */
export function minimalVerify(who: Identity): (request: MinimalRequest) => boolean {
  const signedBy = minimalSignatureCheck(who);
  const nonces = new MemoryNonceCache();
  return (request) => {
    const signed = signedBy(request);
    if (!signed || signed.consumerKey !== who.consumerKey || signed.token !== who.token) return false;
    const now = Math.floor(Date.now() / 1000);
    if (!(Math.abs(Number(signed.timestamp) - now) <= WINDOW_SECONDS)) return false;
    const { consumerKey, token, timestamp, nonce } = signed;
    return nonces.setIfAbsent(`${consumerKey}&${token}&${timestamp}&${nonce}`, WINDOW_SECONDS + 1, now);
  };
}

function hmacSha1Check(who: Identity): (baseString: string, signature: string) => boolean {
  const key = hmacKey('sha1', Buffer.from(`${enc(who.consumerSecret ?? '')}&${enc(who.tokenSecret ?? '')}`));
  return (baseString, signature) => hmac(key, baseString, 'base64') === signature;
}

/**
 * The minimal verifier as middleware for either driver (plain HTTP, as the bench's load): a request it refuses
 * gets an empty 401, so that the bench's load checks see it verify every request it lets through.
 */
export function minimalVerifier(who: Identity): Floor {
  const verify = minimalVerify(who);
  return middleware(
    (req) =>
      verify({
        method: req.method ?? 'GET',
        scheme: 'http',
        host: req.headers.host ?? '',
        target: req.url ?? '/',
        authorization: req.headers.authorization ?? '',
      }),
    true,
  );
}
