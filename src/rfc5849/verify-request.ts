/**
 * RFC 5849 §3.2 Verifying Requests: the steps of docs/error-contract.md, in order.
 *
 * Cheap, store-free checks come first; the nonce is recorded only once the signature has verified,
 * so a forged request can neither burn a client's nonce nor fill the nonce store.
 */
import { normalizedPairs, requestBaseString } from './base-string';
import type { Client, TokenCredential } from './credentials';
import {
  InsecureTransportError,
  InvalidClientError,
  InvalidNonceError,
  InvalidRequestError,
  InvalidSignatureError,
  InvalidTokenError,
  MissingCredentialsError,
  MissingRequiredParameterError,
  OAuthError,
  UnsupportedSignatureMethodError,
} from './errors';
import { collectRequestParameters, type EncodedParameter, type ParameterLimits } from './parameters';
import {
  parseRsaPublicKey,
  resolveSignatureMethod,
  type SignatureKeys,
  type SignatureMethod,
} from './signature-methods';
import { checkTimestampWindow, parseTimestamp } from './timestamp-nonce';
import { withDiagnosis } from './diagnosis';
import { digest } from './digest';
import { andThen, mapErrors, type MaybePromise } from './maybe-promise';

export type { MaybePromise } from './maybe-promise';

/** What the verifier needs to know of an HTTP request, already taken apart by an adapter. */
export interface OAuthRequest {
  method: string;
  /** Base string URI (§3.4.1.2), from `baseStringUri()`. */
  uri: string;
  /** Whether the request arrived over TLS (directly or through a trusted proxy). */
  secure: boolean;
  /** Value of the `Authorization` header when it uses the OAuth scheme. */
  authorization?: string;
  /** The raw query string, without "?". */
  query: string;
  /** The raw body when it is single-part `application/x-www-form-urlencoded`. */
  form?: string;
  /** The exact bytes of any other body (empty for a bodiless request), for `oauth_body_hash`. */
  body?: Buffer;
}

export interface VerifyPolicy {
  signatureMethods: readonly string[];
  timestampWindowSeconds: number;
  nowSeconds: number;
  allowInsecureTransport: boolean;
  requireBodyHash: boolean;
  /** Accept consumer-only requests (no `oauth_token`), signed with the client secret alone. */
  twoLegged: boolean;
  limits: ParameterLimits & { credentialLength: number };
}

/** Store lookups; the protector wraps them with its fault handling. */
export interface VerifyStores<C extends Client, T extends TokenCredential> {
  queryClient(clientId: string): MaybePromise<C | undefined | null>;
  queryToken(clientId: string, token: string): MaybePromise<T | undefined | null>;
  existsNonce(nonce: string, timestamp: number, clientId: string, token: string): MaybePromise<boolean>;
}

export interface VerifiedRequest<C extends Client, T extends TokenCredential> {
  client: C;
  /** The token credential; on a two-legged request without a token, the client itself. */
  credential: T | C;
  clientId: string;
  /** Undefined on a two-legged request without a token. */
  token: string | undefined;
  signatureMethod: string;
  timestamp: number;
  nonce: string;
}

const EMPTY = new Uint8Array(0);

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\x00-\x1f\x7f]/;

const REQUIRED = [
  'oauth_consumer_key',
  'oauth_signature_method',
  'oauth_signature',
  'oauth_timestamp',
  'oauth_nonce',
] as const;

/**
 * Verifies one request. Answers without a promise when every store does; a refusal is then thrown at
 * once, and otherwise it is a rejection. Either way it is an `OAuthError` naming the claimed client.
 */
export function verifyRequest<C extends Client, T extends TokenCredential>(
  request: OAuthRequest,
  policy: VerifyPolicy,
  stores: VerifyStores<C, T>,
): MaybePromise<VerifiedRequest<C, T>> {
  // 1. Collect parameters from the header, the query and a form body, rejecting malformed input.
  const { all, oauth } = collectRequestParameters(request, policy.limits);
  if (request.authorization === undefined && oauth.size === 0) {
    throw new MissingCredentialsError('The request carries no OAuth credentials.');
  }
  return mapErrors(
    () => verifyCollected(request, policy, stores, all, oauth),
    (error) => named(error, oauth),
  );
}

/** A refusal names the client and token the request claimed, for audit events. */
function named(error: unknown, oauth: ReadonlyMap<string, string>): unknown {
  if (error instanceof OAuthError) {
    error.clientId = oauth.get('oauth_consumer_key') || undefined;
    error.token = oauth.get('oauth_token') || undefined;
  }
  return error;
}

/** Steps 2 to 6, on the collected parameters. */
function verifyCollected<C extends Client, T extends TokenCredential>(
  request: OAuthRequest,
  policy: VerifyPolicy,
  stores: VerifyStores<C, T>,
  all: readonly EncodedParameter[],
  oauth: ReadonlyMap<string, string>,
): MaybePromise<VerifiedRequest<C, T>> {
  if (!request.secure && !policy.allowInsecureTransport) throw new InsecureTransportError();

  // 2. Required parameters and their syntax (§3.1), then the signature method. A two-legged request
  // (consumer only: LTI 1.1 launches, WooCommerce) may leave out the token, or send it empty.
  for (let i = 0; i < REQUIRED.length; i++) {
    if (!oauth.get(REQUIRED[i])) throw new MissingRequiredParameterError(REQUIRED[i]);
  }
  const token = oauth.get('oauth_token') || undefined;
  if (token === undefined && !policy.twoLegged) throw new MissingRequiredParameterError('oauth_token');
  for (const [name, value] of oauth) {
    // Protocol values are identifiers, numbers and base64: a decoded control character is never meant.
    if (CONTROL_CHARACTER.test(value)) throw new InvalidRequestError(`The ${name} contains a control character.`);
  }
  const clientId = oauth.get('oauth_consumer_key') as string;
  const nonce = oauth.get('oauth_nonce') as string;
  const methodName = oauth.get('oauth_signature_method') as string;
  const longest = policy.limits.credentialLength;
  const tooLong = (name: string) => new InvalidRequestError(`The ${name} is longer than ${longest} characters.`);
  if (clientId.length > longest) throw tooLong('oauth_consumer_key');
  if (token !== undefined && token.length > longest) throw tooLong('oauth_token');
  if (nonce.length > longest) throw tooLong('oauth_nonce');
  const version = oauth.get('oauth_version');
  if (version !== undefined && version !== '1.0') {
    throw new InvalidRequestError('The oauth_version, when present, must be 1.0.');
  }
  const timestamp = parseTimestamp(oauth.get('oauth_timestamp') as string);
  const method = policy.signatureMethods.includes(methodName) ? resolveSignatureMethod(methodName) : undefined;
  if (!method) throw new UnsupportedSignatureMethodError(`The signature method is not supported here.`);
  const bodyHash = oauth.get('oauth_body_hash');
  if (bodyHash !== undefined && request.form !== undefined) {
    throw new InvalidRequestError('The oauth_body_hash must not be sent with a form-encoded body.');
  }
  if (bodyHash === undefined && policy.requireBodyHash && request.form === undefined && request.body?.length) {
    throw new MissingRequiredParameterError('oauth_body_hash');
  }

  // 3. Timestamp window, both directions (§3.3).
  checkTimestampWindow(timestamp, policy.nowSeconds, policy.timestampWindowSeconds);

  // 4. Client, the method allowed for it and usable with its keys, then the token. Each step below runs
  // as soon as the store before it has answered: at once when it answers synchronously.
  return andThen(stores.queryClient(clientId), (client) => {
    if (!client) throw new InvalidClientError();
    const keys = clientKeys(client, methodName, method.keyType);
    const found: MaybePromise<T | C> =
      token === undefined
        ? client
        : andThen(stores.queryToken(clientId, token), (credential) => {
            if (!credential || credential.getOAuthToken() !== token) throw new InvalidTokenError();
            if ((credential.getClientId?.() ?? clientId) !== clientId) throw new InvalidTokenError();
            keys.tokenSecret = credential.getOAuthTokenSecret();
            return credential;
          });
    return andThen(found, (credential) => {
      // 5. Signature (§3.4), then the body hash it covers.
      checkSignature(request, all, oauth, method, keys);
      // The token's lifecycle, once the request is known to be genuine: a forger learns nothing of it.
      if (credential !== client) {
        const issued = credential as TokenCredential;
        if (issued.isRevoked?.()) throw new InvalidTokenError('token_revoked', 'The token was revoked.');
        if (issued.isExpired?.()) throw new InvalidTokenError('token_expired', 'The token has expired.');
      }
      // 6. Nonce: one atomic check-and-set, only now that the request is known to be genuine.
      return andThen(stores.existsNonce(nonce, timestamp, clientId, token ?? ''), (used) => {
        if (used) throw new InvalidNonceError();
        return { client, credential, clientId, token, signatureMethod: methodName, timestamp, nonce };
      });
    });
  });
}

/** Step 5: the signature over the base string, then the body hash it covers. */
function checkSignature(
  request: OAuthRequest,
  all: readonly EncodedParameter[],
  oauth: ReadonlyMap<string, string>,
  method: SignatureMethod,
  keys: SignatureKeys,
): void {
  const baseString = requestBaseString(request.method, request.uri, all);
  if (!method.verify(baseString, oauth.get('oauth_signature') as string, keys)) {
    throw signatureRefused(request, all, baseString);
  }
  const bodyHash = oauth.get('oauth_body_hash');
  if (bodyHash === undefined) return;
  const actual = digest(method.bodyHashDigest, request.body ?? EMPTY, 'base64');
  if (actual !== bodyHash) {
    const message = 'The oauth_body_hash does not match the body.';
    throw signatureRefused(request, all, baseString, message, `the body's ${method.bodyHashDigest} is ${actual}`);
  }
}

/** The refusal of a signature, with what the server computed for the diagnosis log. */
function signatureRefused(
  request: OAuthRequest,
  all: readonly EncodedParameter[],
  baseString: string,
  message?: string,
  hint?: string,
): InvalidSignatureError {
  return withDiagnosis(new InvalidSignatureError(message), {
    method: request.method.toUpperCase(),
    uri: request.uri,
    parameters: normalizedPairs(all),
    baseString,
    hints: hint ? [hint] : [],
  });
}

/** The client's key material for this method, or a 400 when the client may not or cannot use it. */
function clientKeys(client: Client, methodName: string, keyType: 'secret' | 'rsa'): SignatureKeys {
  const allowed = client.getAllowedSignatureMethods?.();
  const refuse = () =>
    new UnsupportedSignatureMethodError(`This client may not use the ${methodName} signature method.`);
  if (allowed && !allowed.includes(methodName)) throw refuse();
  if (keyType === 'rsa') {
    const pem = client.getRsaPublicKey();
    const rsaPublicKey = pem ? parseRsaPublicKey(pem) : undefined;
    if (!rsaPublicKey) throw refuse();
    return { rsaPublicKey };
  }
  const clientSecret = client.getClientSecret();
  if (typeof clientSecret !== 'string') throw refuse();
  return { clientSecret };
}
