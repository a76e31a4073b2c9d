/**
 * The OAuth Request Body Hash extension (oauth-bodyhash, 2009), which LTI 1.1 and Mastercard use: a body
 * that is not form-encoded is covered by the signature only through `oauth_body_hash`, the base64 digest
 * of its exact bytes, sent as a protocol parameter.
 */
import { digest, DIGEST_SIZES, type DigestName } from './digest';
import { InvalidRequestError, MissingRequiredParameterError, type Claimed } from './errors';

/** What the body-hash rules read of a request. */
export interface RequestBody {
  /** The raw body when it is single-part `application/x-www-form-urlencoded`. */
  form?: string;
  /** The exact bytes of any other body (empty or absent for a bodiless request). */
  body?: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/**
 * §4.1.1 of the extension: "...MUST NOT include an oauth_body_hash parameter" on a form-encoded body, whose
 * parameters are signed one by one. Any other body with bytes is covered by nothing else, and a guarded
 * action must never act on what no signature covers: without `oauth_body_hash` it is refused.
 */
export function checkBodyCoverage(bodyHash: string | undefined, request: RequestBody, claimed: Claimed): void {
  // A bodiless request that names the form type (some clients always send it) has no body to refuse it for: its hash
  // is the empty string's, as the extension says of a request without a body.
  if (bodyHash !== undefined && request.form !== undefined && request.form !== '') {
    throw new InvalidRequestError('The oauth_body_hash must not be sent with a form-encoded body.', { claimed });
  }
  // An empty value counts as absent, as for the required parameters (§3.1).
  if (!bodyHash && request.form === undefined && (request.body?.length ?? 0) > 0) {
    throw new MissingRequiredParameterError('oauth_body_hash', { claimed });
  }
}

/** Base64 length of each digest's output: how a body hash says which digest made it. */
const BASE64_LENGTH = (name: DigestName) => Math.ceil(DIGEST_SIZES[name].output / 3) * 4;

/**
 * The digest a body hash was made with: SHA-1, the only one the extension defines, or the signature
 * method's own (what oauthlib and others send with HMAC-SHA256 or RSA-SHA512), told apart by length.
 */
function digestOf(bodyHash: string, methodDigest: DigestName): DigestName {
  return bodyHash.length === BASE64_LENGTH(methodDigest) ? methodDigest : 'sha1';
}

/**
 * Whether `oauth_body_hash` is the digest of the body's exact bytes (the empty string's for a bodiless
 * request); the digest computed, for the server's diagnosis log, when it is not.
 */
export function checkBodyHash(
  bodyHash: string,
  request: RequestBody,
  methodDigest: DigestName,
): { matches: true } | { matches: false; hint: string } {
  const name = digestOf(bodyHash, methodDigest);
  const actual = digest(name, request.body ?? EMPTY, 'base64');
  return actual === bodyHash ? { matches: true } : { matches: false, hint: `the body's ${name} is ${actual}` };
}
