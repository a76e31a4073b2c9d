/**
 * RFC 5849 §3.5 Parameter Transmission and §3.4.1.3.1 Parameter Sources.
 *
 * Parameters are kept exactly as sent: a list of decoded [name, value] pairs, duplicates and order
 * preserved, each decoded once.
 */
import { DuplicatedParameterError, InvalidRequestError } from './errors';
import { percentDecode } from './encoding';

export type Parameter = readonly [name: string, value: string];

export interface AuthorizationHeader {
  realm: string | undefined;
  /** Every parameter of the header except `realm`, in order. */
  params: Parameter[];
}

const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const isWhitespace = (c: string): boolean => c === ' ' || c === '\t';

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
  const bad = (why: string) => new InvalidRequestError(`The Authorization header is malformed: ${why}.`);
  const params: Parameter[] = [];
  let realm: string | undefined;
  let i = 5; // past "OAuth"
  const n = value.length;
  let expectSeparator = false;
  for (;;) {
    while (i < n && isWhitespace(value[i])) i++;
    if (i >= n) break;
    if (expectSeparator) {
      if (value[i] !== ',') throw bad('parameters must be separated by commas');
      i++;
      expectSeparator = false;
      continue;
    }
    if (value[i] === ',') throw bad('empty parameter');
    const eq = value.indexOf('=', i);
    if (eq < 0) throw bad('a parameter has no value');
    // auth-param = token BWS "=" BWS quoted-string (RFC 7235 §2.1)
    let nameEnd = eq;
    while (nameEnd > i && isWhitespace(value[nameEnd - 1])) nameEnd--;
    const rawName = value.slice(i, nameEnd);
    if (!TCHAR.test(rawName)) throw bad('invalid parameter name');
    let open = eq + 1;
    while (open < n && isWhitespace(value[open])) open++;
    if (value[open] !== '"') throw bad('parameter values must be quoted');
    const close = value.indexOf('"', open + 1);
    if (close < 0) throw bad('unterminated quoted value');
    const rawValue = value.slice(open + 1, close);
    if (rawValue.includes('\\')) throw bad('escapes are not allowed in values');
    // realm is an RFC 2617 quoted-string, not a percent-encoded parameter, and is never signed; auth-param
    // names are case-insensitive (RFC 7235 §2.1), so "Realm" is the realm too.
    if (rawName.toLowerCase() === 'realm') {
      if (realm !== undefined) throw bad('realm is repeated');
      realm = rawValue;
    } else {
      params.push([percentDecode(rawName, false), percentDecode(rawValue, false)]);
    }
    i = close + 1;
    expectSeparator = true;
  }
  return { realm, params };
}

/** `application/x-www-form-urlencoded` pairs of a query string or form body (§3.4.1.3.1): `+` is a space. */
export function parseFormEncoded(text: string): Parameter[] {
  const params: Parameter[] = [];
  if (text === '') return params;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const val = eq < 0 ? '' : part.slice(eq + 1);
    params.push([percentDecode(name, true), percentDecode(val, true)]);
  }
  return params;
}

export interface ParameterSources {
  /** Parameters of an `Authorization: OAuth` header, if the request carries one. */
  header?: Parameter[];
  query: Parameter[];
  /** Parameters of a single-part form-encoded body, if the request has one. */
  form?: Parameter[];
}

export interface CollectedParameters {
  /** Every parameter that the signature covers, in the order collected (§3.4.1.3.1). */
  all: Parameter[];
  /** The `oauth_` protocol parameters, each present at most once. */
  oauth: Map<string, string>;
}

/**
 * §3.4.1.3.1: the signature covers the header (minus realm), the query and the form body. Protocol
 * parameters must come from exactly one of those places and appear once (§3.5: "...MUST NOT be
 * transmitted... more than once").
 */
export function collectParameters(sources: ParameterSources): CollectedParameters {
  const oauth = new Map<string, string>();
  const all: Parameter[] = [];
  let oauthLocation: string | undefined;
  const take = (params: Parameter[] | undefined, location: string) => {
    if (!params) return;
    for (const pair of params) {
      all.push(pair);
      const [name, value] = pair;
      if (!name.startsWith('oauth_')) continue;
      if (oauthLocation !== undefined && oauthLocation !== location) {
        throw new DuplicatedParameterError(
          `OAuth protocol parameters were sent in both the ${oauthLocation} and the ${location}.`,
        );
      }
      if (oauth.has(name)) throw new DuplicatedParameterError(`The ${name} parameter is repeated.`);
      oauthLocation = location;
      oauth.set(name, value);
    }
  };
  take(sources.header, 'Authorization header');
  take(sources.query, 'query string');
  take(sources.form, 'form body');
  return { all, oauth };
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
): CollectedParameters {
  let header: Parameter[] | undefined;
  if (request.authorization !== undefined) {
    if (request.authorization.length > limits.authorizationHeader) {
      throw new InvalidRequestError(
        `The Authorization header is longer than ${limits.authorizationHeader} characters.`,
      );
    }
    header = parseAuthorizationHeader(request.authorization).params;
  }
  const query = parseFormEncoded(request.query);
  const form = request.form === undefined ? undefined : parseFormEncoded(request.form);
  if ((header?.length ?? 0) + query.length + (form?.length ?? 0) > limits.parameters) {
    throw new InvalidRequestError(`The request has more than ${limits.parameters} parameters.`);
  }
  return collectParameters({ header, query, form });
}
