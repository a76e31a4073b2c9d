/**
 * The Koa middleware behind `@RequireOAuth()` and `requireOAuth()`: one per action.
 *
 * It hands the request to the protector, then gives the action what was verified and nothing else:
 * `ctx.query` and `ctx.request.body` are made from the verified parameters and bytes, replacing whatever
 * Koa or a body parser read. A refusal is rendered here, with its response from the protector.
 */
import { defineOwnQuery } from '../http/own-query';
import { checkNotGuardedYet, checkNotOwnReplay, rememberVerified } from '../protector/current-credential';
import { frameworkQuery } from '../protector/guard-request';
import type { GuardedRequest, ResourceProtector } from '../protector/resource-protector';
import type { GuardTarget } from '../protector/route-options';
import type { Client, TokenCredential } from '../rfc5849/credentials';
import { OAuthError } from '../rfc5849/errors';
import { isPromiseLike, type MaybePromise } from '../rfc5849/maybe-promise';
import { koaRequest } from './koa-request';
import type { KoaContext, KoaMiddleware, KoaNext } from './koa-types';
import { renderOAuthError } from './render-error';

/** Where the guard leaves its result: `ctx.state.oauth` (all of it) and `ctx.state.credential`. */
export interface OAuthState<C extends Client = Client, T extends TokenCredential = TokenCredential> {
  oauth: GuardedRequest<C, T>;
  /** The token credential; the client on a two-legged request without a token. */
  credential: T | C;
  /** The credential again, with the protector's `mirrorUser`. */
  user?: T | C;
}

/**
 * `getProtector` and `getTarget` are called per request (the protector registered in the container at that
 * time is the one used; the target is resolved once the decorators have all run). When the stores answer
 * synchronously the guard makes no promise of its own: it verifies, then calls `next()` in the same turn.
 */
export function createGuard(getProtector: () => ResourceProtector, getTarget: () => GuardTarget): KoaMiddleware {
  return (ctx: KoaContext, next: KoaNext) => {
    const protector = getProtector();
    checkNotGuardedYet(ctx.req, protector);
    const { route, bodyShape } = getTarget();
    let guarded: MaybePromise<GuardedRequest | undefined>;
    try {
      guarded = protector.guard(koaRequest(ctx), route, bodyShape);
    } catch (error) {
      return refuse(ctx, error);
    }
    if (!isPromiseLike(guarded)) return accept(protector, guarded, ctx, next);
    return Promise.resolve(guarded).then(
      (found) => accept(protector, found, ctx, next),
      (error: unknown) => refuse(ctx, error),
    );
  };
}

/** Gives the action the verified reading: the state, `ctx.query`, `ctx.request.body`. */
export function installGuarded(protector: ResourceProtector, ctx: KoaContext, guarded: GuardedRequest): void {
  const state = ctx.state as Partial<OAuthState>;
  state.oauth = guarded;
  state.credential = guarded.credential;
  if (protector.settings.mirrorUser) state.user = guarded.credential;
  rememberVerified(ctx.req, guarded, protector);
  // The verified reading replaces Koa's own (an own property in front of the request's query getter).
  defineOwnQuery(ctx.request, frameworkQuery(guarded));
  (ctx.request as { body?: unknown }).body = guarded.body;
}

function accept(protector: ResourceProtector, guarded: GuardedRequest | undefined, ctx: KoaContext, next: KoaNext) {
  if (guarded === undefined) return next(); // an optional route, a request without credentials
  installGuarded(protector, ctx, guarded);
  return protector.runWithCredential(guarded, next);
}

function refuse(ctx: KoaContext, error: unknown): void {
  if (!(error instanceof OAuthError)) throw error;
  checkNotOwnReplay(ctx.req, error);
  renderOAuthError(ctx, error);
}
