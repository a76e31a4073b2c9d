/**
 * RFC 5849 §3.2 Verifying Requests: the steps of docs/error-contract.md, in order, each a named function.
 *
 * Cheap, store-free checks come first; the nonce is recorded only once the signature has verified, so a
 * forged request can neither burn a client's nonce nor fill the nonce store. Each store step runs as soon
 * as the store before it has answered: at once when it answers synchronously, so that with synchronous
 * stores the whole verification runs without a promise.
 */
import { checkBodyCoverage } from './body-hash';
import { wrongAnswer, type Client, type TokenCredential } from './credentials';
import {
  InsecureTransportError,
  InvalidClientError,
  InvalidNonceError,
  InvalidTokenError,
  MissingCredentialsError,
  type Claimed,
} from './errors';
import { checkMastercardPlacement } from './mastercard-base-string';
import { andThen, type MaybePromise } from './maybe-promise';
import {
  collectRequestParameters,
  type CollectedParameters,
  type ParameterLimits,
  type ParameterText,
} from './parameter-sources';
import { claimedBy, readProtocolParameters, type ProtocolParameters, type ProtocolPolicy } from './protocol-parameters';
import { checkSignature, clientKeys, type BaseStringRule, type SignedRequest } from './signature';
import { checkTimestampWindow, nonceLifetimeSeconds } from './timestamp-nonce';

export type { MaybePromise } from './maybe-promise';

/** What the verifier needs to know of an HTTP request, already taken apart by an adapter. */
export interface OAuthRequest extends SignedRequest, ParameterText {
  /** Whether the request arrived over TLS (directly or through a trusted proxy). */
  secure: boolean;
}

export interface VerifyPolicy extends ProtocolPolicy {
  timestampWindowSeconds: number;
  nowSeconds: number;
  /**
   * The clock in whole seconds, read again where the nonce is recorded (the stores before it may have taken their
   * time); without it, `nowSeconds`.
   */
  clockSeconds?: () => number;
  /**
   * Seconds each nonce is kept past its timestamp's window (default 0): at least the longest a nonce store's answer
   * may take, so that a replay let in during the window's last second still finds the nonce there.
   */
  nonceMarginSeconds?: number;
  allowInsecureTransport: boolean;
  limits: ParameterLimits;
  /** The base string signatures are over: RFC 5849's, or Mastercard's signers' (signature.ts). */
  baseString: BaseStringRule;
}

/** How long a nonce must be remembered, by the verifier's own window and clock. */
export interface NonceLifetime {
  ttlSeconds: number;
  nowSeconds: number;
}

/** Store lookups; the protector wraps them with its fault handling, which names the claimed caller. */
export interface VerifyStores<C extends Client, T extends TokenCredential> {
  queryClient(clientId: string, claimed: Claimed): MaybePromise<C | undefined | null>;
  queryToken(clientId: string, token: string, claimed: Claimed): MaybePromise<T | undefined | null>;
  existsNonce(
    nonce: string,
    timestamp: number,
    clientId: string,
    token: string,
    lifetime: NonceLifetime,
    claimed: Claimed,
  ): MaybePromise<boolean>;
}

export interface VerifiedRequest<C extends Client, T extends TokenCredential> {
  client: C;
  /** The token credential; on a two-legged request without a token, the client itself. */
  credential: T | C;
  clientId: string;
  /** Undefined on a two-legged request without a token. */
  token: string | undefined;
  signatureMethod: string;
  /** Undefined only on a PLAINTEXT request that omitted it. */
  timestamp: number | undefined;
  /** Undefined only on a PLAINTEXT request that omitted it. */
  nonce: string | undefined;
  /** Every signed parameter, by where it was sent: what the application may read. */
  parameters: CollectedParameters;
}

/**
 * Verifies one request. Answers without a promise when every store does; a refusal is then thrown at
 * once, and otherwise it is a rejection. Either way it is an `OAuthError` naming the claimed caller.
 */
export function verifyRequest<C extends Client, T extends TokenCredential>(
  request: OAuthRequest,
  policy: VerifyPolicy,
  stores: VerifyStores<C, T>,
): MaybePromise<VerifiedRequest<C, T>> {
  // 1. Parameters from the header, the query and a form body (§3.4.1.3.1), each decoded once, strictly.
  const parameters = collectRequestParameters(request, policy.limits);
  if (request.authorization === undefined && parameters.oauth.size === 0) throw new MissingCredentialsError();
  const claimed = claimedBy(parameters.oauth, policy.credentialLength);
  // 2. Transport, now that the request is known to be an OAuth request.
  if (!request.secure && !policy.allowInsecureTransport) throw new InsecureTransportError({ claimed });
  // 3. Required parameters and their syntax (§3.1), where a Mastercard route needs them, and a body that the
  //    signature must cover.
  const protocol = readProtocolParameters(parameters.oauth, policy, claimed);
  const mastercard =
    policy.baseString === 'mastercard'
      ? { rawQuery: request.query, query: parameters.query, header: parameters.header, form: parameters.form }
      : undefined;
  if (mastercard) checkMastercardPlacement(mastercard.header, claimed);
  checkBodyCoverage(protocol.bodyHash, request, claimed);
  // 4. Timestamp window, both directions (§3.3): cheap, and it bounds what the nonce store keeps.
  if (protocol.timestamp !== undefined) {
    checkTimestampWindow(protocol.timestamp, policy.nowSeconds, policy.timestampWindowSeconds, claimed);
  }
  // 5. Client, the method allowed for it and usable with its keys, then the token.
  return andThen(stores.queryClient(protocol.clientId, claimed), (client) => {
    if (!client) throw new InvalidClientError({ claimed });
    const keys = clientKeys(client, protocol, claimed);
    return andThen(findCredential(stores, client, protocol, claimed), (credential) => {
      // 6. Signature and body hash (§3.4), then the token's lifecycle: a forger learns nothing of it.
      if (credential !== client && protocol.method.keyType === 'secret') {
        const secret = (credential as T).getOAuthTokenSecret();
        // A token with no secret (a NULL column) signs nothing: verified with '' it would need the client secret alone.
        if (secret === undefined || secret === null) throw new InvalidTokenError('token_rejected', { claimed });
        if (typeof secret !== 'string') throw wrongAnswer('getOAuthTokenSecret()', secret);
        keys.tokenSecret = secret;
      }
      checkSignature(request, parameters.all, protocol, keys, claimed, mastercard);
      if (credential !== client) checkLifecycle(credential as T, claimed);
      // 7. Nonce: one atomic check-and-set, only now that the request is known to be genuine.
      return andThen(recordNonce(stores, protocol, policy, claimed), () => ({
        client,
        credential,
        clientId: protocol.clientId,
        token: protocol.token,
        signatureMethod: protocol.signatureMethod,
        timestamp: protocol.timestamp,
        nonce: protocol.nonce,
        parameters,
      }));
    });
  });
}

/** The token credential, issued to this client; the client itself on a two-legged request without a token. */
function findCredential<C extends Client, T extends TokenCredential>(
  stores: VerifyStores<C, T>,
  client: C,
  protocol: ProtocolParameters,
  claimed: Claimed,
): MaybePromise<T | C> {
  const { clientId, token } = protocol;
  if (token === undefined) return client;
  return andThen(stores.queryToken(clientId, token, claimed), (credential) => {
    if (!credential) throw new InvalidTokenError('token_rejected', { claimed });
    const issued = credential.getOAuthToken();
    if (typeof issued !== 'string') throw wrongAnswer('getOAuthToken()', issued);
    if (issued !== token) throw new InvalidTokenError('token_rejected', { claimed });
    if (credential.getClientId !== undefined) {
      const issuedTo = credential.getClientId();
      if (typeof issuedTo !== 'string') throw wrongAnswer('getClientId()', issuedTo);
      if (issuedTo !== clientId) throw new InvalidTokenError('token_rejected', { claimed });
    }
    return credential;
  });
}

function checkLifecycle(credential: TokenCredential, claimed: Claimed): void {
  if (credential.isRevoked !== undefined && answersTrue(credential.isRevoked(), 'isRevoked()'))
    throw new InvalidTokenError('token_revoked', { claimed });
  if (credential.isExpired !== undefined && answersTrue(credential.isExpired(), 'isExpired()'))
    throw new InvalidTokenError('token_expired', { claimed });
}

/** A lifecycle answer, true or false: anything else (a promise, `undefined` from a method that forgot to return). */
function answersTrue(answer: unknown, method: string): boolean {
  if (typeof answer !== 'boolean') throw wrongAnswer(method, answer);
  return answer;
}

/**
 * Records the nonce for as long as its timestamp stays inside the window. A PLAINTEXT request without a
 * timestamp or nonce (§3.1) has nothing to record: it is not protected against replay.
 */
function recordNonce<C extends Client, T extends TokenCredential>(
  stores: VerifyStores<C, T>,
  protocol: ProtocolParameters,
  policy: VerifyPolicy,
  claimed: Claimed,
): MaybePromise<void> {
  const { nonce, timestamp, clientId, token } = protocol;
  if (nonce === undefined || timestamp === undefined) return;
  // The window again, by the clock as it reads now: a nonce is kept only while its timestamp is inside the window, and
  // a request that passed step 4 in the window's last second may have waited for its stores past that.
  const nowSeconds = policy.clockSeconds?.() ?? policy.nowSeconds;
  checkTimestampWindow(timestamp, nowSeconds, policy.timestampWindowSeconds, claimed);
  const lifetime = {
    ttlSeconds:
      nonceLifetimeSeconds(timestamp, nowSeconds, policy.timestampWindowSeconds) + (policy.nonceMarginSeconds ?? 0),
    nowSeconds,
  };
  return andThen(stores.existsNonce(nonce, timestamp, clientId, token ?? '', lifetime, claimed), (used) => {
    if (used) throw new InvalidNonceError({ claimed });
  });
}
