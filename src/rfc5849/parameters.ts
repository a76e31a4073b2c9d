/**
 * RFC 5849 §3.5 Parameter Transmission and §3.4.1.3.1 Parameter Sources.
 *
 * Parameters are kept exactly as sent: a list of decoded [name, value] pairs, duplicates and order
 * preserved, each decoded once. For verification each also keeps its §3.6 encoding, which the base
 * string needs: for the usual unreserved names and values, the very string received.
 */
import { DuplicatedParameterError, InvalidRequestError } from './errors';
import { percentDecode, percentEncode } from './encoding';

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

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The protocol parameter names (§3.1, §2, and the body hash extension) as literals: a name read from a
 * request is swapped for its literal, which compares and sorts faster than a slice of the header.
 */
const PROTOCOL_NAMES = [
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
];

/** The protocol names by length, for matching in place (no slice, no hashing). */
const PROTOCOL_NAMES_BY_LENGTH: readonly (readonly string[] | undefined)[] = PROTOCOL_NAMES.reduce<string[][]>(
  (byLength, name) => ((byLength[name.length] ??= []).push(name), byLength),
  [],
);

/** The protocol name literal spelled by text[from, to), if it is one. */
function protocolNameAt(text: string, from: number, to: number): string | undefined {
  const candidates = PROTOCOL_NAMES_BY_LENGTH[to - from];
  if (candidates === undefined) return undefined;
  next: for (let c = 0; c < candidates.length; c++) {
    const name = candidates[c];
    for (let k = 0; k < name.length; k++) if (text.charCodeAt(from + k) !== name.charCodeAt(k)) continue next;
    return name;
  }
  return undefined;
}

/** 1 for the unreserved characters (§3.6), by character code. */
const UNRESERVED = new Uint8Array(128);
for (const c of '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz') UNRESERVED[c.charCodeAt(0)] = 1;

/** Whether text[from, to) is all unreserved: then it is its own decoding and its own encoding. */
function unreservedAt(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c >= 128 || UNRESERVED[c] === 0) return false;
  }
  return true;
}

/**
 * Decodes text[nameFrom, nameTo) and text[valueFrom, valueTo), one parameter's raw name (`known`: the
 * protocol name literal it spells) and value (`plainValue`: all unreserved), and keeps their encodings: for
 * unreserved text (almost every protocol value), the very slice received.
 */
function receive(
  text: string,
  known: string | undefined,
  nameFrom: number,
  nameTo: number,
  valueFrom: number,
  valueTo: number,
  plainValue: boolean,
  plusIsSpace: boolean,
): EncodedParameter {
  let name = known;
  let encodedName = known;
  if (name === undefined || encodedName === undefined) {
    const rawName = text.slice(nameFrom, nameTo);
    name = percentDecode(rawName, plusIsSpace);
    encodedName = unreservedAt(text, nameFrom, nameTo) ? rawName : percentEncode(name);
  }
  const rawValue = text.slice(valueFrom, valueTo);
  if (plainValue) return [name, rawValue, encodedName, rawValue];
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
    const open = skipWhitespace(value, eq + 1);
    if (value.charCodeAt(open) !== 0x22) throw malformed('parameter values must be quoted');
    const close = value.indexOf('"', open + 1);
    if (close < 0) throw malformed('unterminated quoted value');
    const plain = unreservedAt(value, open + 1, close);
    if (!plain && value.slice(open + 1, close).includes('\\')) throw malformed('escapes are not allowed in values');
    if (nameEnd - i === 5 && value.slice(i, nameEnd).toLowerCase() === 'realm') {
      // realm is an RFC 2617 quoted-string, not a percent-encoded parameter, and is never signed;
      // auth-param names are case-insensitive (RFC 7235 §2.1), so "Realm" is the realm too.
      if (realm !== undefined) throw malformed('realm is repeated');
      realm = value.slice(open + 1, close);
    } else {
      const known = protocolNameAt(value, i, nameEnd);
      if (known === undefined && !TOKEN.test(value.slice(i, nameEnd))) throw malformed('invalid parameter name');
      params.push(receive(value, known, i, nameEnd, open + 1, close, plain, false));
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
  for (let from = 0; from < text.length;) {
    let to = text.indexOf('&', from);
    if (to < 0) to = text.length;
    if (to > from) {
      const eq = text.indexOf('=', from);
      const nameTo = eq < 0 || eq > to ? to : eq;
      const valueFrom = Math.min(nameTo + 1, to);
      const known = protocolNameAt(text, from, nameTo);
      params.push(receive(text, known, from, nameTo, valueFrom, to, unreservedAt(text, valueFrom, to), true));
    }
    from = to + 1;
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
