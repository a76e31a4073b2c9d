/**
 * RFC 5849 §3.4.1 Signature Base String.
 */
import { percentEncode } from './encoding';
import type { Parameter } from './parameters';

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
  const encoded: [string, string][] = [];
  for (const [name, value] of params) {
    if (name !== 'oauth_signature') encoded.push([percentEncode(name), percentEncode(value)]);
  }
  // Encoded strings are ASCII, so UTF-16 code unit order is byte order.
  encoded.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  let normalized = '';
  for (let i = 0; i < encoded.length; i++) normalized += `${i ? '&' : ''}${encoded[i][0]}=${encoded[i][1]}`;
  return normalized;
}

/**
 * §3.4.1.1 String Construction: the uppercase HTTP method, the base string URI and the normalized
 * parameters, each encoded (§3.6) and joined by "&".
 */
export function signatureBaseString(method: string, uri: string, normalizedParams: string): string {
  return `${percentEncode(method.toUpperCase())}&${percentEncode(uri)}&${percentEncode(normalizedParams)}`;
}
