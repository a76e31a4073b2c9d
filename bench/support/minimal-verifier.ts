/**
 * The least a verifier of RFC 5849 requests can do, written as fast as we could: the yardstick between the
 * floor (the cryptography alone) and the library's guard. For each request it finds the `Authorization`
 * header's values with `indexOf`, takes each name and value as sent when it is already in the canonical
 * encoding (§3.6, checked character by character; decoded and encoded again otherwise), adds the query's,
 * sorts their positions by insertion, writes the base string straight into the HMAC's input bytes (escaping only
 * `%`, all an encoded pair can hold), remembers the last base string URI's encoding, checks the signature with
 * the library's key blocks and digest (as the floor does), the client and token, the
 * timestamp window and records the nonce in the library's hashed table (`MemoryNonceCache`, the cheapest nonce
 * record we have). Nothing else: no grammar beyond finding the values, no limits, no Host validation, no body,
 * no stores behind an interface, no error contract, nothing handed to the application. Not a verifier anyone
 * should deploy: it shows what the protocol's own steps cost here, done the fastest way we know.
 */
import { MemoryNonceCache } from '../../src/protector/memory-nonce-cache';
import { DEFAULTS } from '../../src/protector/settings';
import { digest } from '../../src/rfc5849/digest';
import { hmacKey } from '../../src/rfc5849/hmac';
import { nonceLifetimeSeconds } from '../../src/rfc5849/timestamp-nonce';
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
/** Values of the uppercase hex digits by character code; -1 for anything else. */
const UPPER_HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) UPPER_HEX['0123456789ABCDEF'.charCodeAt(i)] = i;

/** Whether text[from, to) is in the canonical encoding of §3.6: unreserved characters and uppercase escapes of others. */
function isCanonical(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && UNRESERVED[c] === 1) continue;
    if (c !== 0x25 || i + 2 >= to) return false;
    const high = text.charCodeAt(i + 1);
    const low = text.charCodeAt(i + 2);
    const byte =
      high < 128 && low < 128 && UPPER_HEX[high] >= 0 && UPPER_HEX[low] >= 0
        ? UPPER_HEX[high] * 16 + UPPER_HEX[low]
        : -1;
    if (byte < 0 || (byte < 128 && UNRESERVED[byte] === 1)) return false;
    i += 2;
  }
  return true;
}

/**
 * The bytes before the base string in the buffer `check` is given: room for the HMAC's inner key block, so that
 * the inner hash reads the key block and the base string in one piece.
 */
export const BASE_STRING_OFFSET = 128;

/**
 * The cryptography over the base string: its bytes are `buffer[BASE_STRING_OFFSET, end)`; the bytes before are
 * the check's to use.
 */
export type BaseStringCheck = (buffer: Buffer, end: number, signature: string) => boolean;

/**
 * Parameters, base string and signature; `check` is the cryptography (HMAC-SHA1 with the library's key blocks and
 * digest by default, as the floor). The base string is written straight into bytes: each name and value is copied from the
 * text it arrived in (the header or the query) when it is already canonical, and encoded again only otherwise.
 */
export function minimalSignatureCheck(
  who: Identity,
  check: BaseStringCheck = hmacSha1Check(who),
): MinimalSignatureCheck {
  const buffer = Buffer.allocUnsafe(64 * 1024);
  let lastUri = '';
  let lastEncodedUri = '';
  // Part 2k is parameter k's name, 2k + 1 its value: texts[part].slice(ranges[2 part], ranges[2 part + 1]).
  const texts: string[] = [];
  let ranges = new Int32Array(64);
  let order = new Int32Array(16);
  const setPart = (part: number, text: string, from: number, to: number, plusIsSpace: boolean) => {
    if (isCanonical(text, from, to)) {
      texts[part] = text;
      ranges[2 * part] = from;
      ranges[2 * part + 1] = to;
    } else {
      const raw = text.slice(from, to);
      const encoded = enc(decodeURIComponent(plusIsSpace ? raw.replace(/\+/g, ' ') : raw));
      texts[part] = encoded;
      ranges[2 * part] = 0;
      ranges[2 * part + 1] = encoded.length;
    }
  };
  const add = (
    count: number,
    text: string,
    nameFrom: number,
    nameTo: number,
    valueFrom: number,
    valueTo: number,
    plusIsSpace = false,
  ) => {
    if (4 * count + 4 > ranges.length) {
      const grown = new Int32Array(ranges.length * 2);
      grown.set(ranges);
      ranges = grown;
      order = new Int32Array(order.length * 2);
    }
    setPart(2 * count, text, nameFrom, nameTo, plusIsSpace);
    setPart(2 * count + 1, text, valueFrom, valueTo, plusIsSpace);
    return count + 1;
  };
  const comparePart = (a: number, b: number): number => {
    const ta = texts[a];
    const tb = texts[b];
    let i = ranges[2 * a];
    let j = ranges[2 * b];
    const ie = ranges[2 * a + 1];
    const je = ranges[2 * b + 1];
    for (; i < ie && j < je; i++, j++) {
      const d = ta.charCodeAt(i) - tb.charCodeAt(j);
      if (d !== 0) return d;
    }
    return ie - i - (je - j);
  };
  /** Copies a part into the buffer at `at`, "%" written as "%25" (the base string encodes it once more). */
  const write = (part: number, at: number): number => {
    const text = texts[part];
    for (let k = ranges[2 * part], end = ranges[2 * part + 1]; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c === 0x25) {
        buffer[at++] = 0x25;
        buffer[at++] = 0x32;
        buffer[at++] = 0x35;
      } else buffer[at++] = c;
    }
    return at;
  };
  return ({ method, scheme, host, target, authorization }) => {
    if (!authorization.startsWith('OAuth ')) return undefined;
    let count = 0;
    let signature = '';
    const signed: MinimalSigned = { consumerKey: '', token: '', timestamp: '', nonce: '' };
    for (let i = 6; ;) {
      let c = authorization.charCodeAt(i);
      while (c === 0x20 || c === 0x2c) c = authorization.charCodeAt(++i);
      const eq = authorization.indexOf('="', i);
      if (eq < 0) break;
      const close = authorization.indexOf('"', eq + 2);
      if (close < 0) return undefined;
      const from = i;
      i = close + 1;
      const length = eq - from;
      if (length === 5 && authorization.startsWith('realm', from)) continue;
      if (length === 15 && authorization.startsWith('oauth_signature', from)) {
        signature = authorization.slice(eq + 2, close);
        continue;
      }
      if (length === 18 && authorization.startsWith('oauth_consumer_key', from))
        signed.consumerKey = authorization.slice(eq + 2, close);
      else if (length === 11 && authorization.startsWith('oauth_token', from))
        signed.token = authorization.slice(eq + 2, close);
      else if (length === 15 && authorization.startsWith('oauth_timestamp', from))
        signed.timestamp = authorization.slice(eq + 2, close);
      else if (length === 11 && authorization.startsWith('oauth_nonce', from))
        signed.nonce = authorization.slice(eq + 2, close);
      count = add(count, authorization, from, eq, eq + 2, close);
    }
    const q = target.indexOf('?');
    if (q >= 0) {
      for (let from = q + 1; from < target.length;) {
        let to = target.indexOf('&', from);
        if (to < 0) to = target.length;
        const eq = target.indexOf('=', from);
        const nameTo = eq < 0 || eq > to ? to : eq;
        count = add(count, target, from, nameTo, Math.min(nameTo + 1, to), to, true);
        from = to + 1;
      }
    }
    // By name, then by value (§3.4.1.3.2).
    for (let k = 0; k < count; k++) order[k] = k;
    for (let k = 1; k < count; k++) {
      const p = order[k];
      let j = k;
      for (; j > 0; j--) {
        const o = order[j - 1];
        const byName = comparePart(2 * o, 2 * p);
        if (byName < 0 || (byName === 0 && comparePart(2 * o + 1, 2 * p + 1) <= 0)) break;
        order[j] = o;
      }
      order[j] = p;
    }
    const uri = `${scheme}://${host}${q >= 0 ? target.slice(0, q) : target}`;
    if (uri !== lastUri) {
      lastUri = uri;
      lastEncodedUri = enc(uri);
    }
    let at = BASE_STRING_OFFSET + buffer.write(method, BASE_STRING_OFFSET, 'latin1');
    buffer[at++] = 0x26;
    at += buffer.write(lastEncodedUri, at, 'latin1');
    buffer[at++] = 0x26;
    for (let k = 0; k < count; k++) {
      if (k > 0) {
        buffer[at++] = 0x25; // "&", encoded
        buffer[at++] = 0x32;
        buffer[at++] = 0x36;
      }
      at = write(2 * order[k], at);
      buffer[at++] = 0x25; // "=", encoded
      buffer[at++] = 0x33;
      buffer[at++] = 0x44;
      at = write(2 * order[k] + 1, at);
    }
    return check(buffer, at, decodeURIComponent(signature)) ? signed : undefined;
  };
}

/**
 * The whole minimal verifier: the signature, the client and token, the timestamp window and the nonce. The
 * parameters of a request it accepts; undefined for one it refuses.
 */
export function minimalVerify(who: Identity): (request: MinimalRequest) => MinimalSigned | undefined {
  const signedBy = minimalSignatureCheck(who);
  const nonces = new MemoryNonceCache();
  return (request) => {
    const signed = signedBy(request);
    if (!signed || signed.consumerKey !== who.consumerKey || signed.token !== who.token) return undefined;
    const now = Math.floor(DEFAULTS.clock() / 1000);
    const seconds = Number(signed.timestamp);
    if (!(Math.abs(seconds - now) <= WINDOW_SECONDS)) return undefined;
    const { consumerKey, token, timestamp, nonce } = signed;
    const ttl = nonceLifetimeSeconds(seconds, now, WINDOW_SECONDS);
    return nonces.setIfAbsent(`${consumerKey}&${token}&${timestamp}&${nonce}`, ttl, now) ? signed : undefined;
  };
}

/** HMAC-SHA1 with the library's key blocks and digest (as the floor), the inner key block written before the base string. */
function hmacSha1Check(who: Identity): BaseStringCheck {
  const key = hmacKey('sha1', Buffer.from(`${enc(who.consumerSecret ?? '')}&${enc(who.tokenSecret ?? '')}`));
  const from = BASE_STRING_OFFSET - key.inner.length;
  return (buffer, end, signature) => {
    key.inner.copy(buffer, from);
    key.outer.write(digest('sha1', buffer.subarray(from, end), 'binary'), key.inner.length, 'latin1');
    return digest('sha1', key.outer, 'base64') === signature;
  };
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
      }) !== undefined,
    true,
  );
}
