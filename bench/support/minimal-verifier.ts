/**
 * The least a verifier of RFC 5849 requests can do, written plainly and leniently: the yardstick between the
 * floor (the cryptography alone) and the library's guard. For each request it splits the `Authorization`
 * header at commas and "=", percent-decodes, sorts, percent-encodes and joins the parameters (the query's
 * too), builds the base string from the scheme, Host and path, checks the signature (as the floor does),
 * checks the timestamp window and records the nonce in a Map. Nothing else: no strict grammar, no limits, no
 * Host validation, no body, no stores behind an interface, no error contract, nothing handed to the
 * application. Not a verifier anyone should deploy: it shows what the protocol's own steps cost here.
 */
import { DEFAULTS } from '../../src/protector/settings';
import { hmac, hmacKey } from '../../src/rfc5849/hmac';
import { enc, type Identity } from '../../spec/support/sign';
import { middleware, type Floor } from './floors';

/** The window the library's protector has by default. */
const WINDOW_SECONDS = DEFAULTS.timestampWindowSeconds;
const byNameThenValue = ([a, x]: string[], [b, y]: string[]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0);

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

/** The signature step alone (what `verifySignature` does): the signed parameters when it verifies, else undefined. */
export type MinimalSignatureCheck = (request: MinimalRequest) => Map<string, string> | undefined;

/**
 * Parameters, base string and signature; `check(baseString, signature)` is the cryptography (HMAC-SHA1 with the
 * library's HMAC by default, as the floor).
 */
export function minimalSignatureCheck(
  who: Identity,
  check: (baseString: string, signature: string) => boolean = hmacSha1Check(who),
): MinimalSignatureCheck {
  return ({ method, scheme, host, target, authorization }) => {
    const params: string[][] = [];
    let signature = '';
    for (const part of authorization.slice(6).split(',')) {
      const eq = part.indexOf('=');
      const name = decodeURIComponent(part.slice(0, eq).trim());
      const value = decodeURIComponent(
        part
          .slice(eq + 1)
          .trim()
          .slice(1, -1),
      );
      if (name === 'oauth_signature') signature = value;
      else if (name !== 'realm') params.push([name, value]);
    }
    const q = target.indexOf('?');
    if (q >= 0) {
      for (const pair of target.slice(q + 1).split('&')) {
        const eq = pair.indexOf('=');
        params.push([decodeURIComponent(pair.slice(0, eq)), decodeURIComponent(pair.slice(eq + 1))]);
      }
    }
    const normalized = params
      .map(([n, v]) => [enc(n), enc(v)])
      .sort(byNameThenValue)
      .map(([n, v]) => `${n}=${v}`)
      .join('&');
    const path = q >= 0 ? target.slice(0, q) : target;
    if (!check(`${method}&${enc(`${scheme}://${host}${path}`)}&${enc(normalized)}`, signature)) return undefined;
    return new Map(params.map(([n, v]) => [n, v]));
  };
}

/** The whole minimal verifier: the signature, the client and token, the timestamp window and the nonce. */
export function minimalVerify(who: Identity): (request: MinimalRequest) => boolean {
  const signed = minimalSignatureCheck(who);
  const seen = new Map<string, number>();
  let prunedAt = 0;
  return (request) => {
    const params = signed(request);
    if (!params) return false;
    if (params.get('oauth_consumer_key') !== who.consumerKey || params.get('oauth_token') !== who.token) return false;
    const now = Math.floor(Date.now() / 1000);
    const timestamp = Number(params.get('oauth_timestamp'));
    if (!(Math.abs(timestamp - now) <= WINDOW_SECONDS)) return false;
    if (now !== prunedAt) {
      prunedAt = now;
      for (const [nonce, at] of seen) if (at < now - WINDOW_SECONDS) seen.delete(nonce);
    }
    const nonceKey = `${timestamp}:${params.get('oauth_nonce')}`;
    if (seen.has(nonceKey)) return false;
    seen.set(nonceKey, timestamp);
    return true;
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
