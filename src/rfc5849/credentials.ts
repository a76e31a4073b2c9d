/**
 * The models a protector looks up: the client (RFC 5849 "client credentials") and the token
 * credential. Applications implement these on their own classes.
 */
import type { KeyObject } from 'node:crypto';

export interface Client {
  /** The shared secret, or undefined for a client that signs only with RSA. */
  getClientSecret(): string | undefined | null;
  /** PEM (public key or certificate) or a parsed KeyObject, or undefined for a client without one. */
  getRsaPublicKey(): string | KeyObject | undefined | null;
  /** Signature methods this client may use; all the protector enables when absent. */
  getAllowedSignatureMethods?(): readonly string[] | undefined;
}

export interface TokenCredential {
  getOAuthToken(): string;
  getOAuthTokenSecret(): string;
  /** The consumer key the token was issued to; checked against the request when present. */
  getClientId?(): string;
  /** True once the token has expired: 401 `invalid_token` with `oauth_problem="token_expired"`. */
  isExpired?(): boolean;
  /** True once the token was revoked: 401 `invalid_token` with `oauth_problem="token_revoked"`. */
  isRevoked?(): boolean;
  /** Scopes granted to this token, checked against `@RequireOAuth({ scopes })`. */
  getScopes?(): readonly string[];
}

/**
 * A model method's answer of a type its interface does not allow: a fault of the application's models, which the
 * protector answers 503 like a store that throws, never read by its truthiness (an `isRevoked()` that forgot to
 * return would otherwise let every revoked token in) nor blamed on the client.
 */
export function wrongAnswer(method: string, value: unknown): TypeError {
  return new TypeError(
    `${method} answered ${value === null ? 'null' : typeof value}, which its interface does not allow.`,
  );
}
