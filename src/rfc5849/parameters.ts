/**
 * RFC 5849 §3.5 Parameter Transmission and §3.4.1.3.1 Parameter Sources.
 *
 * Parameters are kept exactly as sent: a list of decoded [name, value] pairs, duplicates and order
 * preserved, each decoded once. For verification each also keeps its §3.6 encoding, which the base
 * string needs: for the usual unreserved names and values, the very string received.
 */
import { DuplicatedParameterError, InvalidRequestError } from './errors';
import { isUnreserved, percentDecode, percentEncode } from './encoding';

export type Parameter = readonly [name: string, value: string];

/**
 * A parameter as received: decoded, and encoded again by §3.6 (what the signature base string holds).
 * The encoded value is left out (undefined) when it is not the received text: it is then computed only if
 * the base string needs it (never for `oauth_signature`).
 */
export type EncodedParameter = readonly [
  name: string,
  value: string,
  encodedName: string,
  encodedValue: string | undefined,
];

/** What collection needs of a parameter: its decoded name and value first. */
type Pair = readonly [name: string, value: string, ...encoded: (string | undefined)[]];

export interface AuthorizationHeader {
  realm: string | undefined;
  /** Every parameter of the header except `realm`, in order. */
  params: Parameter[];
}

const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The protocol parameter names (§3.1, §2, and the body hash extension) as literals: a name read from a
 * request is swapped for its literal, which compares and sorts faster than a slice of the header.
 */
const PROTOCOL_NAMES = new Map(
  [
    'oauth_consumer_key',
    'oauth_token',
    'oauth_signature_method',
    'oauth_signature',
    'oauth_timestamp',
    'oauth_nonce',
    'oauth_version',
    'oauth_body_hash',
    'oauth_callback',
    'oauth_verifier',
  ].map((name) => [name, name]),
);

/**
 * Decodes a raw name (`known`: its protocol name literal) and value, and keeps their encodings (tested
 * once: unreserved text is all three).
 */
function receive(rawName: string, known: string | undefined, rawValue: string, plusIsSpace: boolean): EncodedParameter {
  const name = known ?? percentDecode(rawName, plusIsSpace);
  const encodedName = known ?? (isUnreserved(rawName) ? rawName : percentEncode(name));
  if (isUnreserved(rawValue)) return [name, rawValue, encodedName, rawValue];
  return [name, percentDecode(rawValue, plusIsSpace), encodedName, undefined];
}

const decodedOnly = (params: EncodedParameter[]): Parameter[] => params.map(([name, value]) => [name, value]);

/** True when the header uses the OAuth scheme (case-insensitive, RFC 7235 §2.1). */
export function isOAuthScheme(value: string): boolean {
  return /^oauth(?:[ \t]|$)/i.test(value);
}

/**
 * §3.5.1 Authorization Header: `OAuth` followed by comma-separated `name="value"` pairs, names and values
 * percent-encoded (§3.6). A linear scanner, so that no input can make it backtrack; any stray token,
 * missing quote or unterminated value is a 400.
 */
export function parseAuthorizationHeader(value: string): AuthorizationHeader {
  const { realm, params } = scanAuthorizationHeader(value);
  return { realm, params: decodedOnly(params) };
}

const malformed = (why: string) => new InvalidRequestError(`The Authorization header is malformed: ${why}.`);
const SPACE = 0x20;
const TAB = 0x09;

/** The index of the first character at or after `at` that is not a space or tab. */
function skipWhitespace(value: string, at: number): number {
  let c = value.charCodeAt(at);
  while (c === SPACE || c === TAB) c = value.charCodeAt(++at);
  return at;
}

function scanAuthorizationHeader(value: string): { realm: string | undefined; params: EncodedParameter[] } {
  const params: EncodedParameter[] = [];
  let realm: string | undefined;
  let i = 5; // past "OAuth"
  const n = value.length;
  for (;;) {
    i = skipWhitespace(value, i);
    if (i >= n) break;
    if (params.length > 0 || realm !== undefined) {
      if (value.charCodeAt(i) !== 0x2c) throw malformed('parameters must be separated by commas');
      i = skipWhitespace(value, i + 1);
      if (i >= n) break; // a trailing comma
    }
    if (value.charCodeAt(i) === 0x2c) throw malformed('empty parameter');
    const eq = value.indexOf('=', i);
    if (eq < 0) throw malformed('a parameter has no value');
    // auth-param = token BWS "=" BWS quoted-string (RFC 7235 §2.1)
    let nameEnd = eq;
    while (nameEnd > i && (value.charCodeAt(nameEnd - 1) === SPACE || value.charCodeAt(nameEnd - 1) === TAB)) nameEnd--;
    const rawName = value.slice(i, nameEnd);
    const known = PROTOCOL_NAMES.get(rawName);
    if (known === undefined && !TCHAR.test(rawName)) throw malformed('invalid parameter name');
    const open = skipWhitespace(value, eq + 1);
    if (value.charCodeAt(open) !== 0x22) throw malformed('parameter values must be quoted');
    const close = value.indexOf('"', open + 1);
    if (close < 0) throw malformed('unterminated quoted value');
    const rawValue = value.slice(open + 1, close);
    if (rawValue.includes('\\')) throw malformed('escapes are not allowed in values');
    // realm is an RFC 2617 quoted-string, not a percent-encoded parameter, and is never signed; auth-param
    // names are case-insensitive (RFC 7235 §2.1), so "Realm" is the realm too.
    if (rawName.length === 5 && rawName.toLowerCase() === 'realm') {
      if (realm !== undefined) throw malformed('realm is repeated');
      realm = rawValue;
    } else {
      params.push(receive(rawName, known, rawValue, false));
    }
    i = close + 1;
  }
  return { realm, params };
}

/** `application/x-www-form-urlencoded` pairs of a query string or form body (§3.4.1.3.1): `+` is a space. */
export function parseFormEncoded(text: string): Parameter[] {
  return decodedOnly(scanFormEncoded(text));
}

function scanFormEncoded(text: string): EncodedParameter[] {
  const params: EncodedParameter[] = [];
  if (text === '') return params;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const val = eq < 0 ? '' : part.slice(eq + 1);
    params.push(receive(name, PROTOCOL_NAMES.get(name), val, true));
  }
  return params;
}

export interface ParameterSources<P extends Pair = Parameter> {
  /** Parameters of an `Authorization: OAuth` header, if the request carries one. */
  header?: readonly P[];
  query: readonly P[];
  /** Parameters of a single-part form-encoded body, if the request has one. */
  form?: readonly P[];
}

export interface CollectedParameters<P extends Pair = Parameter> {
  /** Every parameter that the signature covers, in the order collected (§3.4.1.3.1). */
  all: P[];
  /** The `oauth_` protocol parameters, each present at most once. */
  oauth: Map<string, string>;
}

/**
 * §3.4.1.3.1: the signature covers the header (minus realm), the query and the form body. Protocol
 * parameters must come from exactly one of those places and appear once (§3.5: "...MUST NOT be
 * transmitted... more than once").
 */
export function collectParameters<P extends Pair = Parameter>(sources: ParameterSources<P>): CollectedParameters<P> {
  const collected: Collection<P> = { all: [], oauth: new Map<string, string>(), oauthLocation: undefined };
  if (sources.header) collect(collected, sources.header, 'Authorization header');
  collect(collected, sources.query, 'query string');
  if (sources.form) collect(collected, sources.form, 'form body');
  return { all: collected.all, oauth: collected.oauth };
}

interface Collection<P extends Pair> extends CollectedParameters<P> {
  /** Where the protocol parameters were found. */
  oauthLocation: string | undefined;
}

function collect<P extends Pair>(into: Collection<P>, params: readonly P[], location: string): void {
  for (let i = 0; i < params.length; i++) {
    const pair = params[i];
    into.all.push(pair);
    const name = pair[0];
    if (!name.startsWith('oauth_')) continue;
    if (into.oauthLocation !== undefined && into.oauthLocation !== location) {
      throw new DuplicatedParameterError(
        `OAuth protocol parameters were sent in both the ${into.oauthLocation} and the ${location}.`,
      );
    }
    if (into.oauth.has(name)) throw new DuplicatedParameterError(`The ${name} parameter is repeated.`);
    into.oauthLocation = location;
    into.oauth.set(name, pair[1]);
  }
}

export interface ParameterLimits {
  /** Longest `Authorization` header value, in characters. */
  authorizationHeader: number;
  /** Most parameters in header, query and form body together. */
  parameters: number;
}

/**
 * Parses and collects the parameters of a request taken apart by an adapter: its OAuth `Authorization`
 * header value, raw query string and raw form body, within the limits.
 */
export function collectRequestParameters(
  request: { authorization?: string; query: string; form?: string },
  limits: ParameterLimits,
): CollectedParameters<EncodedParameter> {
  let header: EncodedParameter[] | undefined;
  if (request.authorization !== undefined) {
    if (request.authorization.length > limits.authorizationHeader) {
      throw new InvalidRequestError(
        `The Authorization header is longer than ${limits.authorizationHeader} characters.`,
      );
    }
    header = scanAuthorizationHeader(request.authorization).params;
  }
  const query = scanFormEncoded(request.query);
  const form = request.form === undefined ? undefined : scanFormEncoded(request.form);
  if ((header?.length ?? 0) + query.length + (form?.length ?? 0) > limits.parameters) {
    throw new InvalidRequestError(`The request has more than ${limits.parameters} parameters.`);
  }
  return collectParameters({ header, query, form });
}
