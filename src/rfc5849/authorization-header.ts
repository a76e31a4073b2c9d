/**
 * RFC 5849 §3.5.1 Authorization Header: `OAuth` followed by comma-separated `name="value"` pairs, names
 * and values percent-encoded (§3.6); `realm` is an RFC 2617 quoted-string that is never signed.
 */
import { InvalidRequestError } from './errors';
import { unreservedAt } from './encoding';
import { Parameter, protocolNameAt, receiveParameter } from './parameter';

export interface AuthorizationHeader {
  realm: string | undefined;
  /** Every parameter of the header except `realm`, in order. */
  params: Parameter[];
}

/** True when the header uses the OAuth scheme (case-insensitive, RFC 7235 §2.1). */
export function isOAuthScheme(value: string): boolean {
  return /^oauth(?:[ \t]|$)/i.test(value);
}

const malformed = (why: string) => new InvalidRequestError(`The Authorization header is malformed: ${why}.`);
const SPACE = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** 1 for the characters of an RFC 9110 token, by character code. */
const TOKEN_CHARS = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TOKEN_CHARS[c.charCodeAt(0)] = 1;
}

function isTokenAt(text: string, from: number, to: number): boolean {
  if (to === from) return false;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c >= 128 || TOKEN_CHARS[c] === 0) return false;
  }
  return true;
}

/** The index of the first character at or after `at` that is not a space or tab. */
function skipWhitespace(value: string, at: number): number {
  let c = value.charCodeAt(at);
  while (c === SPACE || c === TAB) c = value.charCodeAt(++at);
  return at;
}

/**
 * Reads the header with a linear scanner, so that no input can make it backtrack: whitespace is allowed
 * around "=" and commas (RFC 7235 BWS), values must be quoted; a stray token, a missing quote or comma, an
 * empty element, a backslash escape or an unterminated value is a 400. Inside quotes an unencoded `+`,
 * `/` or `=` means itself (some clients do not encode them).
 */
export function parseAuthorizationHeader(value: string): AuthorizationHeader {
  const params: Parameter[] = [];
  let realm: string | undefined;
  let i = 5; // past "OAuth"
  const n = value.length;
  for (;;) {
    i = skipWhitespace(value, i);
    if (i >= n) break;
    if (params.length > 0 || realm !== undefined) {
      if (value.charCodeAt(i) !== COMMA) throw malformed('parameters must be separated by commas');
      i = skipWhitespace(value, i + 1);
      if (i >= n) break; // a trailing comma
    }
    if (value.charCodeAt(i) === COMMA) throw malformed('empty parameter');
    const eq = value.indexOf('=', i);
    if (eq < 0) throw malformed('a parameter has no value');
    // auth-param = token BWS "=" BWS quoted-string (RFC 7235 §2.1)
    let nameEnd = eq;
    while (nameEnd > i && (value.charCodeAt(nameEnd - 1) === SPACE || value.charCodeAt(nameEnd - 1) === TAB)) nameEnd--;
    // A protocol name (nearly every name sent) is a token: only other names are checked character by character.
    const known = protocolNameAt(value, i, nameEnd);
    if (known === undefined && !isTokenAt(value, i, nameEnd)) throw malformed('invalid parameter name');
    const open = skipWhitespace(value, eq + 1);
    if (value.charCodeAt(open) !== QUOTE) throw malformed('parameter values must be quoted');
    // auth-param names are case-insensitive (RFC 7235 §2.1): "Realm" is the realm too.
    const isRealm = known === undefined && nameEnd - i === 5 && value.slice(i, nameEnd).toLowerCase() === 'realm';
    const close = isRealm ? closingQuote(value, open + 1) : value.indexOf('"', open + 1);
    if (close < 0) throw malformed('unterminated quoted value');
    if (isRealm) {
      if (realm !== undefined) throw malformed('realm is repeated');
      // The realm is RFC 2617's quoted-string, escapes and all (`realm="The \"demo\" API"`); it is never signed.
      const quoted = value.slice(open + 1, close);
      realm = quoted.includes('\\') ? quoted.replace(/\\(.)/gs, '$1') : quoted;
    } else {
      // The other values are percent-encoded (§3.5.1): a backslash in one is no escape of theirs.
      const plain = unreservedAt(value, open + 1, close);
      if (!plain && value.slice(open + 1, close).includes('\\')) throw malformed('escapes are not allowed in values');
      params.push(receiveParameter(value, i, nameEnd, open + 1, close, false, known, plain));
    }
    i = close + 1;
  }
  return { realm, params };
}

/** The index of the quote that ends a quoted-string begun before `from` (a backslash escapes what follows), or -1. */
function closingQuote(value: string, from: number): number {
  const quote = value.indexOf('"', from);
  // Most realms hold no backslash: the first quote ends them.
  if (quote < 0 || value.lastIndexOf('\\', quote) < from) return quote;
  for (let k = from; k < value.length; k++) {
    const c = value.charCodeAt(k);
    if (c === QUOTE) return k;
    if (c === BACKSLASH) k++;
  }
  return -1;
}

/** What the writer takes as a realm: printable ASCII without `"` or `\`, as it writes no escapes. */
export const PLAIN_REALM = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Writes the header (§3.5.1): each name and value encoded (§3.6) and quoted, the realm first. */
export function formatAuthorizationHeader(params: readonly Parameter[], realm?: string): string {
  const fields = params.map((p) => `${p.encodedName}="${p.encodedValue}"`);
  if (realm !== undefined) {
    // The parser above takes no escapes, so neither does the writer.
    if (!PLAIN_REALM.test(realm)) throw new RangeError('A realm is printable ASCII without `"` or `\\`.');
    fields.unshift(`realm="${realm}"`);
  }
  return `OAuth ${fields.join(', ')}`;
}
