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
  const last = lastUri;
  if (path === last.path && host === last.host && scheme === last.scheme) return last.uri;
  const uri = makeBaseStringUri(scheme, host, path);
  lastUri = { scheme, host, path, uri };
  return uri;
}

/**
 * The last base string URI made and what it was made of: a route hears the same scheme, Host and path on nearly
 * every request, and comparing them costs less than lowercasing and joining them again (docs/decisions.md).
 */
let lastUri = { scheme: '', host: '', path: '', uri: makeBaseStringUri('', '', '') };

function makeBaseStringUri(scheme: string, host: string, path: string): string {
  const lowerScheme = scheme.toLowerCase();
  let authority = host.toLowerCase();
  const colon = authority.lastIndexOf(':');
  // An IPv6 literal ends with "]"; its colons are not a port separator.
  if (colon > authority.lastIndexOf(']') && authority.slice(colon + 1) === DEFAULT_PORTS[lowerScheme]) {
    authority = authority.slice(0, colon);
  }
  return `${lowerScheme}://${authority}${path === '' ? '/' : path}`;
}

/** §3.4.1.3.1: every parameter is signed but `oauth_signature`. */
function signedParameters(params: readonly Parameter[]): Parameter[] {
  const signed: Parameter[] = [];
  for (let i = 0; i < params.length; i++) if (params[i].name !== 'oauth_signature') signed.push(params[i]);
  return signed;
}

/** Byte order of encoded (ASCII) strings is their UTF-16 code unit order: name first, then value. */
const before = (a: Parameter, b: Parameter): boolean =>
  a.encodedName < b.encodedName || (a.encodedName === b.encodedName && a.encodedValue < b.encodedValue);

const INSERTION_SORT_MAX = 24;

/**
 * §3.4.1.3.2 step 2: the positions of `signed`, sorted by encoded name, then by encoded value, in ascending byte
 * order.
 */
function sortOrder(signed: readonly Parameter[]): number[] {
  const order: number[] = [];
  for (let i = 0; i < signed.length; i++) order.push(i);
  if (signed.length > INSERTION_SORT_MAX) {
    return order.sort((a, b) => (before(signed[a], signed[b]) ? -1 : before(signed[b], signed[a]) ? 1 : 0));
  }
  // A request signs a handful of parameters: an inline insertion sort beats the general one there.
  for (let i = 1; i < order.length; i++) {
    const p = order[i];
    let j = i;
    for (; j > 0 && before(signed[p], signed[order[j - 1]]); j--) order[j] = order[j - 1];
    order[j] = p;
  }
  return order;
}

/**
 * §3.4.1.3.2 Parameters Normalization, steps 1 and 2: every parameter but `oauth_signature` (§3.4.1.3.1),
 * sorted by encoded name, then by encoded value, in ascending byte order.
 */
export function sortedParameters(params: readonly Parameter[]): Parameter[] {
  const signed = signedParameters(params);
  return sortOrder(signed).map((i) => signed[i]);
}

/**
 * §3.4.1.3.2 Parameters Normalization, steps 1 to 3: the sorted parameters, each name joined to its value with "="
 * even when the value is empty; one pair per entry, as the diagnosis reports list them.
 */
export function normalizedPairs(params: readonly Parameter[]): string[] {
  return sortedParameters(params).map((p) => `${p.encodedName}=${p.encodedValue}`);
}

/** §3.4.1.3.2 Parameters Normalization: the normalized pairs (steps 1 to 3) joined with "&" (4). */
export function normalizeParameters(params: readonly Parameter[]): string {
  return normalizedPairs(params).join('&');
}

const escapePercent = (encoded: string): string => (encoded.includes('%') ? encoded.replaceAll('%', '%25') : encoded);

/**
 * What a request's shape (its method, base string URI, and the encoded names of its signed parameters in the
 * order received) decides of its base string: all its text but the values, and, when no name repeats, the order
 * its parameters sort in. `head` is the method and URI, `pieces[k]` what comes between the (k-1)-th sorted value
 * and the k-th: "%26" (but before the first), the name and "%3D". With a repeated name the values decide the
 * order among that name's parameters, but not the sequence of names, so `pieces` still holds and `order` is
 * undefined: each request is sorted.
 */
interface Shape {
  method: string;
  uri: string;
  names: string[];
  order: number[] | undefined;
  head: string;
  pieces: string[];
}

/** The shape of `signed`, whose sort `order` is given. */
function shapeOf(method: string, uri: string, signed: readonly Parameter[], order: number[]): Shape {
  const names = signed.map((p) => p.encodedName);
  let distinct = true;
  for (let k = 1; k < order.length; k++) if (names[order[k]] === names[order[k - 1]]) distinct = false;
  return {
    method,
    uri,
    names,
    order: distinct ? order : undefined,
    head: `${percentEncode(method.toUpperCase())}&${percentEncode(uri)}&`,
    pieces: order.map((i, k) => `${k === 0 ? '' : '%26'}${escapePercent(names[i])}%3D`),
  };
}

function sameShape(shape: Shape, method: string, uri: string, signed: readonly Parameter[]): boolean {
  if (shape.method !== method || shape.uri !== uri || shape.names.length !== signed.length) return false;
  for (let i = 0; i < signed.length; i++) if (shape.names[i] !== signed[i].encodedName) return false;
  return true;
}

/**
 * The last shape: a route hears the same shape on nearly every request, and comparing the names costs less than
 * sorting them and encoding the names, the method and the URI again (docs/decisions.md).
 */
let lastShape: Shape | undefined;

/**
 * §3.4.1.1 String Construction: the uppercase HTTP method, the base string URI and the normalized
 * parameters, each encoded (§3.6) and joined by "&".
 *
 * The normalized parameters are encoded as they are written: an encoded name or value holds nothing but
 * unreserved characters and "%", so encoding it only turns "%" into "%25", and the "=" and "&" between
 * them are written as "%3D" and "%26".
 */
export function signatureBaseString(method: string, uri: string, params: readonly Parameter[]): string {
  const signed = signedParameters(params);
  let shape = lastShape;
  let order: number[];
  if (shape === undefined || !sameShape(shape, method, uri, signed)) {
    order = sortOrder(signed);
    shape = lastShape = shapeOf(method, uri, signed, order);
  } else order = shape.order ?? sortOrder(signed);
  const { pieces } = shape;
  let text = shape.head;
  for (let k = 0; k < order.length; k++) text += `${pieces[k]}${escapePercent(signed[order[k]].encodedValue)}`;
  return text;
}
