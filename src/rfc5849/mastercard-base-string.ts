/**
 * The signature base string as Mastercard's OAuth 1.0a signers make it (oauth1-signer-java, and oauth1-signer-nodejs,
 * `mastercard-oauth1-signer` on npm): not RFC 5849's, and what Mastercard's APIs verify.
 *
 * §3.4.1.3.2 encodes each name and value before joining them, and the base string then encodes the joined
 * parameters again. Mastercard's signers join the parameters as they hold them and encode the result once: the
 * query's pairs as written in the request-target (below), and the protocol values unencoded. Their
 * `oauth_body_hash` (base64: "+", "/" and "=") and consumer keys (which hold "!") therefore appear encoded once
 * where the RFC has them twice, and an RFC verifier refuses every request they sign with a body hash. Their own
 * tests pin this string (spec/vectors/mastercard-base-strings.json).
 *
 * Joined unencoded, a value holding "&" could make two requests one string; such a request is refused
 * (checkMastercardPlacement).
 */
import { percentEncode } from './encoding';
import { InvalidRequestError, type Claimed } from './errors';
import type { Parameter } from './parameter';

/** The parameters of a request where Mastercard's base string reads them. */
export interface MastercardParameters {
  /** The query as written in the request-target, without "?". */
  rawQuery: string;
  /** The query's parameters, decoded. */
  query: readonly Parameter[];
  /** The Authorization header's parameters (decoded): the protocol parameters, and only they. */
  header: readonly Parameter[] | undefined;
  /** A form body's parameters, if any: as RFC 5849 has them (Mastercard's signers send none). */
  form: readonly Parameter[] | undefined;
}

const isProtocol = (p: Parameter) => p.name.startsWith('oauth_');

/**
 * Mastercard's signers send the protocol parameters in the Authorization header, and nothing else there. Elsewhere,
 * or beside other names, the string would not tie each parameter to where the application reads it: a value moved
 * from the header to the query is decoded once more there (a new nonce for a replayed request), and a query
 * parameter moved into the header would be signed but never read. Joined unencoded, a value holding "&" could make
 * two requests one string. Each is refused (400), before any store is asked.
 */
export function checkMastercardPlacement(header: readonly Parameter[] | undefined, claimed: Claimed): void {
  const refuse = (message: string) => new InvalidRequestError(message, { claimed });
  if (!header?.some(isProtocol) || !header.every(isProtocol)) {
    throw refuse('On this route the protocol parameters, and only they, go in the Authorization header.');
  }
  if (header.some((p) => p.value.includes('&') || /[&=]/.test(p.name))) {
    throw refuse('A protocol parameter holds "&", which a Mastercard base string cannot carry.');
  }
}

/**
 * The query's pairs as Mastercard's Java signer writes them: as in the request-target when it holds no
 * percent-escape, and otherwise each name and value in its §3.6 encoding (theirs is the same set of unreserved
 * characters), "+" decoded as a space (RFC 5849's reading and their Python signer's; the Java one keeps a plus).
 * Their npm signer always takes them as written; the readings differ only for a query that mixes escapes with
 * characters it should have escaped.
 */
function queryPairs(rawQuery: string, query: readonly Parameter[]): [string, string][] {
  if (rawQuery.includes('%')) return query.map((p) => [p.encodedName, p.encodedValue]);
  const pairs: [string, string][] = [];
  // An "=" at the start belongs to the name, as the Java signer reads it.
  for (const segment of rawQuery.split('&')) {
    const eq = segment.indexOf('=');
    if (segment !== '') pairs.push(eq > 0 ? [segment.slice(0, eq), segment.slice(eq + 1)] : [segment, '']);
  }
  return pairs;
}

/**
 * The sorted `name=value` pairs of Mastercard's parameter string; unambiguous once checkMastercardPlacement has
 * passed (no "&" in the header's names and values, no "=" in its names).
 */
export function mastercardPairs({ rawQuery, query, header, form }: MastercardParameters): string[] {
  const pairs = queryPairs(rawQuery, query);
  for (const p of header ?? []) if (p.name !== 'oauth_signature') pairs.push([p.name, p.value]);
  for (const p of form ?? []) pairs.push([p.encodedName, p.encodedValue]);
  // By name, then by value, in UTF-16 code unit order (Java's TreeMap of names, each name's values sorted).
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`);
}

/** The base string: the uppercase method, the base string URI and the joined pairs, each encoded once. */
export const mastercardBaseString = (method: string, uri: string, pairs: readonly string[]): string =>
  `${percentEncode(method.toUpperCase())}&${percentEncode(uri)}&${percentEncode(pairs.join('&'))}`;
