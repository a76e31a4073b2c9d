/**
 * RFC 5849 §3.4.1 Signature Base String.
 */
import { percentEncode } from './encoding';
import type { Parameter } from './parameter';

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

/** Byte order of encoded (ASCII) strings is their UTF-16 code unit order: name first, then value. */
const before = (a: Parameter, b: Parameter): boolean =>
  a.encodedName < b.encodedName || (a.encodedName === b.encodedName && a.encodedValue < b.encodedValue);

const INSERTION_SORT_MAX = 24;

/**
 * §3.4.1.3.2 Parameters Normalization, steps 1 and 2: every parameter but `oauth_signature` (§3.4.1.3.1),
 * sorted by encoded name, then by encoded value, in ascending byte order.
 */
export function sortedParameters(params: readonly Parameter[]): Parameter[] {
  const signed: Parameter[] = [];
  for (let i = 0; i < params.length; i++) if (params[i].name !== 'oauth_signature') signed.push(params[i]);
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

/**
 * §3.4.1.3.2 Parameters Normalization: the sorted parameters (steps 1 and 2), each name joined to its
 * value with "=" even when the value is empty (3), the pairs joined with "&" (4).
 */
export function normalizeParameters(params: readonly Parameter[]): string {
  return sortedParameters(params)
    .map((p) => `${p.encodedName}=${p.encodedValue}`)
    .join('&');
}

const escapePercent = (encoded: string): string => (encoded.includes('%') ? encoded.replaceAll('%', '%25') : encoded);

/**
 * §3.4.1.1 String Construction: the uppercase HTTP method, the base string URI and the normalized
 * parameters, each encoded (§3.6) and joined by "&".
 *
 * The normalized parameters are encoded as they are written: an encoded name or value holds nothing but
 * unreserved characters and "%", so encoding it only turns "%" into "%25", and the "=" and "&" between
 * them are written as "%3D" and "%26".
 */
export function signatureBaseString(method: string, uri: string, params: readonly Parameter[]): string {
  const sorted = sortedParameters(params);
  let normalized = '';
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i];
    normalized += `${i === 0 ? '' : '%26'}${escapePercent(p.encodedName)}%3D${escapePercent(p.encodedValue)}`;
  }
  return `${percentEncode(method.toUpperCase())}&${encodedUri(uri)}&${normalized}`;
}

let lastUri = '';
let lastEncodedUri = '';

/**
 * percentEncode(uri), remembered for the last URI: a route hears the same base string URI on every request,
 * and comparing it costs less than encoding its ":" and "/" again (docs/decisions.md).
 */
function encodedUri(uri: string): string {
  if (uri !== lastUri) {
    lastEncodedUri = percentEncode(uri);
    lastUri = uri;
  }
  return lastEncodedUri;
}
