/**
 * RFC 5849 §3.4 Signature, on the server's side: the client's key material for the method it chose, then
 * the signature over the base string and the body hash it covers.
 */
import { KeyObject } from 'node:crypto';
import { normalizedPairs, signatureBaseString } from './base-string';
import { checkBodyHash, type RequestBody } from './body-hash';
import { wrongAnswer, type Client } from './credentials';
import { withDiagnosis } from './diagnosis';
import { InvalidSignatureError, UnsupportedSignatureMethodError, type Claimed } from './errors';
import { mastercardBaseString, mastercardPairs, type MastercardParameters } from './mastercard-base-string';
import type { Parameter } from './parameter';
import type { ProtocolParameters } from './protocol-parameters';
import { parseRsaPublicKey } from './rsa-sha';
import type { SignatureKeys } from './signature-method';

/** What the signature covers besides the parameters: the method and the base string URI (§3.4.1). */
export interface SignedRequest extends RequestBody {
  method: string;
  /** Base string URI (§3.4.1.2). */
  uri: string;
}

/**
 * The client's key material for the method (the token's secret still to be set), or a 400 when the client may
 * not or cannot use it.
 */
export function clientKeys(client: Client, protocol: ProtocolParameters, claimed: Claimed): SignatureKeys {
  const allowed = client.getAllowedSignatureMethods?.();
  // Names compared whole: a string ("HMAC-SHA1 only") would allow every method it contains.
  if (allowed !== undefined && !Array.isArray(allowed)) {
    throw new TypeError('getAllowedSignatureMethods() answered other than an array of method names.');
  }
  const refuse = () =>
    new UnsupportedSignatureMethodError(`This client may not use the ${protocol.signatureMethod} signature method.`, {
      claimed,
    });
  if (allowed && !allowed.includes(protocol.signatureMethod)) throw refuse();
  // No key (undefined, null) is a client that cannot use the method, 400; a key of another type is a fault, 503.
  if (protocol.method.keyType === 'rsa') {
    const pem = client.getRsaPublicKey();
    if (pem === undefined || pem === null) throw refuse();
    if (typeof pem !== 'string' && !(pem instanceof KeyObject)) throw wrongAnswer('getRsaPublicKey()', pem);
    const rsaPublicKey = parseRsaPublicKey(pem);
    if (!rsaPublicKey) throw refuse();
    return { clientSecret: undefined, tokenSecret: undefined, rsaPublicKey };
  }
  const clientSecret = client.getClientSecret();
  if (clientSecret === undefined || clientSecret === null) throw refuse();
  if (typeof clientSecret !== 'string') throw wrongAnswer('getClientSecret()', clientSecret);
  return { clientSecret, tokenSecret: undefined, rsaPublicKey: undefined };
}

/**
 * Which base string a signature is over: RFC 5849's (§3.4.1), or the one Mastercard's signers make
 * (mastercard-base-string.ts), for APIs that serve their clients.
 */
export type BaseStringRule = 'rfc5849' | 'mastercard';

const BASE_STRING_RULES: readonly BaseStringRule[] = ['rfc5849', 'mastercard'];

/** A base string rule, wherever one is set (a protector, a route, a request to sign): a TypeError otherwise. */
export function checkBaseString(rule: unknown): void {
  if (!BASE_STRING_RULES.includes(rule as BaseStringRule)) {
    throw new TypeError(`baseString is one of ${BASE_STRING_RULES.map((r) => `'${r}'`).join(', ')}.`);
  }
}

/**
 * §3.4.1 and §3.2: the signature over the base string, then the body hash it covers (401 otherwise). With
 * `mastercard`, the base string is the one Mastercard's signers make of those parameters.
 */
export function checkSignature(
  request: SignedRequest,
  params: readonly Parameter[],
  protocol: ProtocolParameters,
  keys: SignatureKeys,
  claimed: Claimed,
  mastercard?: MastercardParameters,
): void {
  const pairs = mastercard && mastercardPairs(mastercard);
  const baseString = pairs
    ? mastercardBaseString(request.method, request.uri, pairs)
    : signatureBaseString(request.method, request.uri, params);
  if (!protocol.method.verify(baseString, protocol.signature, keys)) {
    throw refused(request, params, pairs, baseString, claimed, ruleHints(protocol, pairs !== undefined));
  }
  if (!protocol.bodyHash) return; // none, or empty: then the body is empty too (checkBodyCoverage)
  const hash = checkBodyHash(protocol.bodyHash, request, protocol.method.bodyHashDigest);
  if (!hash.matches) {
    const hints = [...(pairs ? ruleHints(protocol, true) : []), ...(hash.hint ? [hash.hint] : [])];
    throw refused(request, params, pairs, baseString, claimed, hints, 'The oauth_body_hash does not match the body.');
  }
}

/** What the base string rule may have to do with a refusal, for the diagnosis log. */
function ruleHints(protocol: ProtocolParameters, mastercard: boolean): string[] {
  if (mastercard) {
    return [
      "this route verifies Mastercard's base string (baseString: 'mastercard'): the parameters above are its pairs " +
        '(the query as written, or encoded anew when it holds an escape; the protocol values unencoded), not RFC ' +
        "5849's normalized ones, and a client that signs RFC 5849's string fails here.",
    ];
  }
  if (protocol.bodyHash && protocol.signatureMethod === 'RSA-SHA256') {
    return [
      "Mastercard's signers (RSA-SHA256, oauth_body_hash on every request) sign another base string: if this " +
        "client is one, the route needs baseString: 'mastercard'.",
    ];
  }
  return [];
}

/**
 * The refusal of a signature, with what the server computed for the diagnosis log (never the response): the
 * Mastercard pairs when the route has them, RFC 5849's normalized parameters otherwise.
 */
function refused(
  request: SignedRequest,
  params: readonly Parameter[],
  pairs: string[] | undefined,
  baseString: string,
  claimed: Claimed,
  hints: string[],
  message?: string,
): InvalidSignatureError {
  return withDiagnosis(new InvalidSignatureError(message, { claimed }), () => ({
    method: request.method.toUpperCase(),
    uri: request.uri,
    parameters: pairs ?? normalizedPairs(params),
    baseString,
    hints,
  }));
}
