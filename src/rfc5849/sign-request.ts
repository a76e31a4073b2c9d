/**
 * RFC 5849 §3.1 Making Requests, from the client's side: for an application's tests and for the calls it
 * makes itself, such as LTI 1.1 outcomes (tool → platform). Built from the verifier's own pieces (parameters,
 * base string, the signature method table, the body hash digest), so what it signs is what the guard checks.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { formatAuthorizationHeader } from './authorization-header';
import { baseStringUri, signatureBaseString } from './base-string';
import { digest } from './digest';
import { decodesAsUtf8 } from './encoding';
import { OAuthError } from './errors';
import { formatFormEncoded, parseFormEncoded } from './form-encoded';
import { mastercardBaseString, mastercardPairs } from './mastercard-base-string';
import { parameters, type Parameter } from './parameter';
import { CONTROL_CHARACTER } from './protocol-parameters';
import { checkBaseString, type BaseStringRule } from './signature';
import type { SignatureMethod, SigningKeys } from './signature-method';
import { STANDARD_SIGNATURE_METHODS } from './signature-methods';

export interface SignRequestOptions {
  /** The HTTP method, uppercased as the base string has it. */
  method: string;
  /** Absolute http:// or https:// URL; its query parameters are signed too, its fragment dropped. */
  url: string | URL;
  consumerKey: string;
  /** For HMAC-* and PLAINTEXT. */
  consumerSecret?: string;
  /** Omitted on a two-legged request. */
  token?: string;
  /** For HMAC-* and PLAINTEXT, with `token`. */
  tokenSecret?: string;
  /** For RSA-*: a KeyObject or PEM. */
  rsaPrivateKey?: KeyObject | string;
  /** The method's exact, case-sensitive name in the table; HMAC-SHA1 by default. */
  signatureMethod?: string;
  /** `realm` of the Authorization header, which is never signed. */
  realm?: string;
  /** Where the protocol parameters are sent (§3.5): the Authorization header by default. */
  placement?: 'header' | 'query' | 'form';
  /** A form body's names and values, decoded: sent form-encoded and signed one by one (§3.4.1.3.1). */
  form?: readonly (readonly [name: string, value: string])[];
  /** Any other body (its bytes, or a string as UTF-8): covered by `oauth_body_hash`. Needs `contentType`. */
  body?: string | Uint8Array;
  contentType?: string;
  /** Seconds since the epoch; now by default. */
  timestamp?: number;
  /** 16 random bytes in hex by default. */
  nonce?: string;
  /** `oauth_version`, optional in §3.1: "1.0" by default, `false` to leave it out (as RFC 5849's examples do). */
  version?: '1.0' | false;
  /**
   * The base string to sign: RFC 5849's by default, or `'mastercard'`, the one Mastercard's signers make, for a
   * route with `baseString: 'mastercard'` (the protocol parameters then go in the Authorization header).
   */
  baseString?: BaseStringRule;
}

export interface SignRequestResult {
  method: string;
  /** The URL to send, without fragment: its query, then the protocol parameters when they are placed there. */
  url: string;
  headers: { Authorization?: string; 'Content-Type'?: string };
  body?: string | Buffer;
  /** The signature base string (§3.4.1, or Mastercard's), for debugging. */
  baseString: string;
  signature: string;
}

const FORM = 'application/x-www-form-urlencoded';
/** RFC 9110 §5.6.2 token: what an HTTP method may be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Signs one request. Throws a TypeError or RangeError for options that cannot make a request the guard accepts. */
export function signRequest(
  options: SignRequestOptions,
  methods: ReadonlyMap<string, SignatureMethod> = STANDARD_SIGNATURE_METHODS,
): SignRequestResult {
  const name = options.signatureMethod ?? 'HMAC-SHA1';
  const method = methods.get(name);
  if (!method) {
    throw new RangeError(`Unknown signature method '${name}'; use one of ${[...methods.keys()].join(', ')}.`);
  }
  const keys = signingKeys(options, name, method);
  checkRequest(options);
  const url = requestUrl(options.url);
  const query = userParameters("URL's query", () => parseFormEncoded(url.search.slice(1)));
  const form = options.form && userParameters('form', () => parameters(options.form ?? []));

  const protocol = protocolParameters(options, name, method);
  const uri = baseStringUri(url.protocol.slice(0, -1), url.host, url.pathname);
  const baseString =
    options.baseString === 'mastercard'
      ? mastercardBaseString(
          options.method,
          uri,
          mastercardPairs({ rawQuery: url.search.slice(1), query, header: parameters(protocol), form }),
        )
      : signatureBaseString(options.method, uri, [...query, ...(form ?? []), ...parameters(protocol)]);
  const signature = signWith(method, baseString, keys);
  protocol.push(['oauth_signature', signature]);
  // In name order, as most clients send them: easy to read and to compare.
  const signed = parameters(protocol.sort(([a], [b]) => (a < b ? -1 : 1)));

  const placement = options.placement ?? 'header';
  const sentQuery = [url.search.slice(1), placement === 'query' ? formatFormEncoded(signed) : ''].filter(Boolean);
  const headers: SignRequestResult['headers'] = {};
  if (placement === 'header') headers.Authorization = formatAuthorizationHeader(signed, options.realm);
  let body: string | Buffer | undefined;
  if (form !== undefined || placement === 'form') {
    headers['Content-Type'] = FORM;
    body = formatFormEncoded([...(form ?? []), ...(placement === 'form' ? signed : [])]);
  } else if (options.body !== undefined) {
    headers['Content-Type'] = options.contentType;
    body = typeof options.body === 'string' ? options.body : Buffer.from(options.body);
  }
  return {
    method: options.method.toUpperCase(),
    url: `${url.origin}${url.pathname}${sentQuery.length > 0 ? `?${sentQuery.join('&')}` : ''}`,
    headers,
    ...(body === undefined ? {} : { body }),
    baseString,
    signature,
  };
}

/** The signature, or a TypeError when the key cannot make one (a public key, a PEM of something else, too short). */
function signWith(method: SignatureMethod, baseString: string, keys: SigningKeys): string {
  try {
    return method.sign(baseString, keys);
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw error;
    throw new TypeError(`The signing key cannot sign: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The key material the method signs with (§3.4.2 to §3.4.4), or a TypeError naming what is missing. */
function signingKeys(options: SignRequestOptions, name: string, method: SignatureMethod): SigningKeys {
  if (options.tokenSecret !== undefined && options.token === undefined) {
    throw new TypeError('A tokenSecret needs its token.');
  }
  if (method.keyType === 'rsa') {
    if (options.rsaPrivateKey === undefined) throw new TypeError(`${name} needs the client's rsaPrivateKey.`);
    return { rsaPrivateKey: options.rsaPrivateKey };
  }
  if (options.consumerSecret === undefined) throw new TypeError(`${name} needs the consumerSecret.`);
  if (options.token !== undefined && options.tokenSecret === undefined) {
    throw new TypeError(`${name} with a token needs its tokenSecret.`);
  }
  return { clientSecret: options.consumerSecret, tokenSecret: options.tokenSecret };
}

/** What the options must say for the guard to read the request as it was signed. */
function checkRequest(options: SignRequestOptions): void {
  if (!TOKEN.test(options.method)) throw new RangeError(`'${options.method}' is not an HTTP method.`);
  if (options.consumerKey === '' || options.token === '' || options.nonce === '') {
    throw new RangeError('The consumerKey, token and nonce must not be empty.');
  }
  // The guard refuses a protocol value with a control character (400), whatever its encoding.
  const credentials = [options.consumerKey, options.token, options.nonce];
  if (credentials.some((v) => v !== undefined && CONTROL_CHARACTER.test(v))) {
    throw new RangeError('The consumerKey, token and nonce must not contain control characters.');
  }
  // Nor can they be encoded (§3.6) with a lone surrogate, which is no Unicode text (encodeURIComponent's URIError).
  for (const value of credentials) {
    try {
      if (value !== undefined) encodeURIComponent(value);
    } catch (error) {
      throw new RangeError(`The consumerKey, token and nonce must be Unicode text: ${(error as Error).message}`);
    }
  }
  const { timestamp } = options;
  if (timestamp !== undefined && !(Number.isSafeInteger(timestamp) && timestamp > 0)) {
    throw new RangeError('The timestamp is a positive whole number of seconds.');
  }
  if (options.realm !== undefined && (options.placement ?? 'header') !== 'header') {
    throw new TypeError('A realm is sent only in the Authorization header.');
  }
  if (options.baseString !== undefined) checkBaseString(options.baseString);
  if (options.baseString === 'mastercard') {
    if ((options.placement ?? 'header') !== 'header') {
      throw new TypeError("Mastercard's base string signs protocol parameters sent in the Authorization header.");
    }
    // Joined unencoded, such a value could make two requests one string: the guard refuses it.
    if (credentials.some((v) => v?.includes('&'))) {
      throw new RangeError("Under Mastercard's base string, the consumerKey, token and nonce must not contain '&'.");
    }
  }
  if (options.body === undefined) {
    if (options.contentType !== undefined) throw new TypeError('A contentType goes with a body.');
    return;
  }
  // A form-encoded body is signed pair by pair; the body hash must not be sent with it (oauth-bodyhash §4.1.1).
  if (options.form !== undefined) throw new TypeError('A request has a form or a body, not both.');
  if (options.placement === 'form') throw new TypeError("placement 'form' sends a form body: use form, not body.");
  if (options.contentType === undefined) throw new TypeError('A body needs its contentType.');
  if (options.contentType.trim().toLowerCase().startsWith(FORM)) {
    throw new TypeError('A form-encoded body is given as form pairs, which are signed one by one.');
  }
}

function requestUrl(text: string | URL): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`'${String(text)}' is not an absolute URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError('The URL must be http or https.');
  if (url.username !== '' || url.password !== '') {
    throw new RangeError('The URL must not hold a user name or password.');
  }
  // The guard refuses such a path (400) before it verifies anything.
  if (!decodesAsUtf8(url.pathname)) {
    throw new RangeError("The URL's path has a malformed percent-escape, or escapes that are not UTF-8.");
  }
  return url;
}

/** The user's own parameters, as the guard reads them; the oauth_ ones are the signer's alone. */
function userParameters(where: string, read: () => Parameter[]): Parameter[] {
  let params: Parameter[];
  try {
    params = read();
    for (const param of params) void param.encodedValue; // encoded now, where a failure can be named
  } catch (error) {
    if (error instanceof OAuthError) throw new RangeError(`The ${where} is malformed: ${error.message}`);
    // A lone surrogate cannot be encoded as UTF-8 (encodeURIComponent's URIError).
    if (error instanceof URIError) throw new RangeError(`The ${where} has text that is not Unicode: ${error.message}`);
    throw error;
  }
  const oauth = params.find((p) => p.name.startsWith('oauth_'));
  if (oauth) throw new RangeError(`The ${where} has ${oauth.name}: the protocol parameters are the signer's to set.`);
  return params;
}

/** §3.1's protocol parameters, all but the signature, in name order. */
function protocolParameters(options: SignRequestOptions, name: string, method: SignatureMethod): [string, string][] {
  const pairs: [string, string][] = [];
  const { body } = options;
  if (body !== undefined) pairs.push(['oauth_body_hash', digest(method.bodyHashDigest, body, 'base64')]);
  pairs.push(
    ['oauth_consumer_key', options.consumerKey],
    ['oauth_nonce', options.nonce ?? randomBytes(16).toString('hex')],
    ['oauth_signature_method', name],
    ['oauth_timestamp', String(options.timestamp ?? Math.floor(Date.now() / 1000))],
  );
  if (options.token !== undefined) pairs.push(['oauth_token', options.token]);
  if (options.version !== false) pairs.push(['oauth_version', '1.0']);
  return pairs;
}
