import { AsyncLocalStorage } from 'node:async_hooks';
import type { Client, TokenCredential } from '../rfc5849/credentials';
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

export function rememberVerified(holder: object, verified: GuardedRequest): void {
  guarded.set(holder, verified);
}

/** The verified request that a guard accepted for the request whose state `holder` keeps, if any. */
export function verifiedOf(holder: object): GuardedRequest | undefined {
  return guarded.get(holder);
}
