/**
 * RFC 5849 §3.4.1 Signature Base String.
 */
import { percentEncode } from './encoding';
import type { EncodedParameter, Parameter } from './parameters';

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };

/**
 * §3.4.1.2 Base String URI: scheme and host in lowercase, the port only when it is not the scheme's
 * default, then the path as sent (without query or fragment), "/" when empty.
 */
export function baseStringUri(scheme: string, host: string, path: string): string {
  const lowerScheme = scheme.toLowerCase();
  let authority = host.toLowerCase();
  const colon = authority.lastIndexOf(':');
  // An IPv6 literal ends with "]"; its colons are not a port separator.
  if (colon > authority.lastIndexOf(']') && authority.slice(colon + 1) === DEFAULT_PORTS[lowerScheme]) {
    authority = authority.slice(0, colon);
  }
  return `${lowerScheme}://${authority}${path === '' ? '/' : path}`;
}

/**
 * §3.4.1.3.2 Parameters Normalization:
 * 1. name and value of every pair are encoded (§3.6);
 * 2. pairs are sorted by encoded name, then by encoded value, in ascending byte order;
 * 3. each name is joined to its value with "=" (even when the value is empty);
 * 4. pairs are joined with "&".
 * `oauth_signature` is excluded (§3.4.1.3.1).
 */
export function normalizeParameters(params: readonly Parameter[]): string {
  return normalizedPairs(params.map(([name, value]) => [name, value, percentEncode(name), percentEncode(value)])).join(
    '&',
  );
}

/** Steps 1 to 3 of §3.4.1.3.2 on parameters that carry their encodings: "name=value" strings, in order. */
export function normalizedPairs(params: readonly EncodedParameter[]): string[] {
  return sortedEncoded(params).map(([, , name, value]) => `${name}=${value}`);
}

/** Every signed parameter, its encoded value known, sorted by encoded name and value (step 2). */
function sortedEncoded(params: readonly EncodedParameter[]): Encoded[] {
  const signed: Encoded[] = [];
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (p[0] === 'oauth_signature') continue;
    signed.push(p[3] === undefined ? [p[0], p[1], p[2], percentEncode(p[1])] : (p as Encoded));
  }
  if (signed.length > INSERTION_SORT_MAX) return signed.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  // A request signs a handful of parameters: an inline insertion sort beats the general one there.
  for (let i = 1; i < signed.length; i++) {
    const p = signed[i];
    let j = i;
    for (; j > 0 && before(p, signed[j - 1]); j--) signed[j] = signed[j - 1];
    signed[j] = p;
  }
  return signed;
}

type Encoded = readonly [name: string, value: string, encodedName: string, encodedValue: string];

const INSERTION_SORT_MAX = 24;

/** Byte order of encoded (ASCII) strings is their UTF-16 code unit order. */
const before = (a: Encoded, b: Encoded): boolean => a[2] < b[2] || (a[2] === b[2] && a[3] < b[3]);

/**
 * §3.4.1.1 String Construction: the uppercase HTTP method, the base string URI and the normalized
 * parameters, each encoded (§3.6) and joined by "&".
 */
export function signatureBaseString(method: string, uri: string, normalizedParams: string): string {
  return `${percentEncode(method.toUpperCase())}&${percentEncode(uri)}&${percentEncode(normalizedParams)}`;
}

/**
 * The signature base string of collected parameters: the same string as `signatureBaseString(method,
 * uri, normalizeParameters(params))`, without encoding the normalized parameters a second time. An
 * encoded string holds nothing but unreserved characters and "%", so its encoding only turns "%" into
 * "%25"; the "=" and "&" between pairs are written encoded, as "%3D" and "%26".
 */
export function requestBaseString(method: string, uri: string, params: readonly EncodedParameter[]): string {
  const pairs = sortedEncoded(params);
  let normalized = '';
  for (let i = 0; i < pairs.length; i++) {
    normalized += `${i === 0 ? '' : '%26'}${escapePercent(pairs[i][2])}%3D${escapePercent(pairs[i][3])}`;
  }
  return `${percentEncode(method.toUpperCase())}&${percentEncode(uri)}&${normalized}`;
}

const escapePercent = (encoded: string): string => (encoded.includes('%') ? encoded.replaceAll('%', '%25') : encoded);
