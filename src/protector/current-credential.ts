import { AsyncLocalStorage } from 'node:async_hooks';
import type { Client, TokenCredential } from '../rfc5849/credentials';
import { InvalidNonceError } from '../rfc5849/errors';
import type { VerifiedRequest } from '../rfc5849/verify-request';
import { requestSlot } from '../http/request-slot';
import type { GuardedRequest } from './guard-request';

/** The verified request of the guarded call in progress, for code that has no request at hand. */
export const verifiedRequests = new AsyncLocalStorage<VerifiedRequest<Client, TokenCredential>>();

/**
 * The token credential of the guarded request being served, from anywhere in its call (Authlib:
 * `current_credential`); the client on a two-legged request without a token; undefined outside a
 * guarded request, and in requests of a protector made with `currentCredential: false`.
 */
export function currentCredential<T extends TokenCredential | Client = TokenCredential>(): T | undefined {
  return verifiedRequests.getStore()?.credential as T | undefined;
}

/**
 * The guarded request, for what both drivers hand an action (`@Credential()`), kept on the object where the
 * adapter keeps per-request state: Koa's `ctx.req`, Express's `res.locals` (Express swaps the prototype of its
 * request, and a property added to it then costs microseconds: docs/decisions.md).
 */
const guarded = requestSlot<GuardedRequest>('verified');
/** The protector that accepted it. */
const acceptedBy = requestSlot<object>('verified-by');

export function rememberVerified(holder: object, verified: GuardedRequest, protector: object): void {
  guarded.set(holder, verified);
  acceptedBy.set(holder, protector);
}

/** The verified request that a guard accepted for the request whose state `holder` keeps, if any. */
export function verifiedOf(holder: object): GuardedRequest | undefined {
  return guarded.get(holder);
}

/**
 * What a guard (or the other checker) of `protector` accepted for this request, for a checker of that protector to
 * reuse. A TypeError when another protector accepted it: its stores vouched for the credential, not this one's, whose
 * access rules (and `@CurrentUser()`) would then read a credential it never verified.
 */
export function verifiedBy(holder: object, protector: object): GuardedRequest | undefined {
  const earlier = guarded.get(holder);
  if (earlier !== undefined && acceptedBy.get(holder) !== protector) {
    throw new TypeError(
      'routing-controllers-oauth1: this request was verified by another protector (a guard or the other checker) ' +
        "than this checker's. Give a route's guard, oauthAuthorizationChecker() and oauthCurrentUserChecker() the " +
        'same protector.',
    );
  }
  return earlier;
}

/** Whether a guard accepted this request and recorded its nonce. */
function recordedNonce(holder: object): boolean {
  const earlier = guarded.get(holder);
  return earlier?.nonce !== undefined && earlier.timestamp !== undefined;
}

const guardedTwice = () =>
  new TypeError(
    'routing-controllers-oauth1: this request was accepted by another guard already. Give a route one guard ' +
      "(a router's or its own) with all its options; a second would refuse the request as a replay of its own nonce.",
  );

/**
 * Refuses to guard again, with the same protector, a request that recorded its nonce when a guard accepted it (a
 * router's `requireOAuth()` and the route's own): verified again, it would find that nonce and be refused as a replay,
 * a 401 that tells its client to re-sign. A TypeError instead, which the framework answers 500 and logs on the first
 * such request, says what to change. Another protector verifies again: with a nonce store of its own it accepts, and
 * one that keeps its nonces where the first did finds this request's own (`checkNotOwnReplay`). A request that
 * recorded no nonce (PLAINTEXT without one) verifies again as before.
 */
export function checkNotGuardedYet(holder: object, protector: object): void {
  if (recordedNonce(holder) && acceptedBy.get(holder) === protector) throw guardedTwice();
}

/**
 * A refusal as a replay, of a request that another guard accepted and recorded the nonce of: the second protector keeps
 * its nonces where the first did (one cache, or two clients of one Redis), and found the request's own. The same
 * TypeError as a second guard of one protector.
 */
export function checkNotOwnReplay(holder: object, error: unknown): void {
  if (error instanceof InvalidNonceError && recordedNonce(holder)) throw guardedTwice();
}
