/**
 * The Koa middleware behind `@RequireOAuth()`.
 */
import type { Context, Middleware, Next } from 'koa';
import type { Client, TokenCredential } from '../rfc5849/credentials';
import { OAuthError, UnsupportedSignatureMethodError } from '../rfc5849/errors';
import { andThen, isPromiseLike, type MaybePromise } from '../rfc5849/maybe-promise';
import type { VerifiedRequest } from '../rfc5849/verify-request';
import { mergeRouteOptions, type ResourceProtector, type RouteOptions } from '../protector/resource-protector';
import { diagnosisOf } from '../rfc5849/diagnosis';
import { verifiedRequests } from './current-credential';
import { signatureHints } from './signature-hints';
import { toOAuthRequest } from './oauth-request';
import { renderOAuthError } from './render-error';

/** Where the guard leaves its result: `ctx.state.oauth` (all of it) and `ctx.state.credential`. */
export interface OAuthState<C extends Client = Client, T extends TokenCredential = TokenCredential> {
  oauth: VerifiedRequest<C, T>;
  /** The token credential; the client on a two-legged request without a token. */
  credential: T | C;
}

/** Options of the routes an earlier guard in the same chain handed on (see `deferToLaterGuard`). */
const PENDING = Symbol('routing-controllers-oauth1.pending');

type Guard = Middleware & { readonly [PENDING]?: true };
type GuardState = { [PENDING]?: RouteOptions };

/**
 * A guard for one decorator use. `getProtector` is called per request, so the protector registered in
 * the container at that time is the one used. When the stores answer synchronously the guard makes no
 * promise of its own: it verifies, then calls `next()` in the same turn.
 */
export function createGuard(getProtector: () => ResourceProtector, options: RouteOptions): Middleware {
  const guard: Guard = (ctx: Context, next: Next, ...express: unknown[]) => {
    // routing-controllers' express driver calls (req, res, next): refuse to guard there, loudly and closed.
    if (typeof next !== 'function') return (express[0] as (error: Error) => void)(new KoaOnlyError());
    const state = ctx.state as GuardState & Partial<OAuthState>;
    const merged = mergeRouteOptions(state[PENDING], options);
    if (state.oauth) return recheck(getProtector(), state.oauth, options, merged, ctx, next);
    if (deferToLaterGuard(ctx, guard)) {
      state[PENDING] = merged;
      return next();
    }
    delete state[PENDING];
    const protector = getProtector();
    let verified: MaybePromise<VerifiedRequest<Client, TokenCredential>>;
    try {
      verified = andThen(toOAuthRequest(ctx, protector.limits.body), (request) =>
        andThen(protector.verifyNow(request, merged), (found) =>
          // "May they do this?" comes only after "who is calling" is proven.
          andThen(protector.checkAccess(found, merged, ctx), () => found),
        ),
      );
    } catch (error) {
      return refuse(protector, merged, ctx, error);
    }
    if (!isPromiseLike(verified)) return accept(protector, verified, ctx, next);
    return Promise.resolve(verified).then(
      (found) => accept(protector, found, ctx, next),
      (error: unknown) => refuse(protector, merged, ctx, error),
    );
  };
  Object.defineProperty(guard, PENDING, { value: true });
  return guard;
}

function accept(
  protector: ResourceProtector,
  verified: VerifiedRequest<Client, TokenCredential>,
  ctx: Context,
  next: Next,
): Promise<unknown> {
  if (protector.audited) {
    const { clientId, token, signatureMethod } = verified;
    const { method, path } = ctx;
    protector.record({ outcome: 'accepted', status: 200, method, path, clientId, token, signatureMethod });
  }
  const state = ctx.state as Partial<OAuthState>;
  state.oauth = verified;
  state.credential = verified.credential;
  return protector.providesCurrentCredential ? verifiedRequests.run(verified, next) : next();
}

function refuse(protector: ResourceProtector, route: RouteOptions, ctx: Context, error: unknown): void {
  if (!(error instanceof OAuthError)) throw error;
  const { status, code, clientId, token } = error;
  protector.record({ outcome: 'refused', status, error: code, method: ctx.method, path: ctx.path, clientId, token });
  const report = diagnosisOf(error);
  if (report) protector.debugSignature({ ...report, hints: signatureHints(ctx, report) });
  renderOAuthError(ctx, error, route.realm ?? protector.realm);
}

/**
 * Verified already, by a guard this one could not see (another router level): check the method and
 * this guard's access rules again, but never the nonce, which cannot be checked twice.
 */
function recheck(
  protector: ResourceProtector,
  verified: VerifiedRequest<Client, TokenCredential>,
  options: RouteOptions,
  merged: RouteOptions,
  ctx: Context,
  next: Next,
): MaybePromise<unknown> {
  const realm = merged.realm ?? protector.realm;
  const refused = (error: unknown) => {
    if (!(error instanceof OAuthError)) throw error;
    renderOAuthError(ctx, error, realm);
  };
  let checked: MaybePromise<void>;
  try {
    if (options.signatureMethods && !options.signatureMethods.includes(verified.signatureMethod)) {
      throw new UnsupportedSignatureMethodError('The signature method is not supported here.');
    }
    checked = protector.checkAccess(verified, options, ctx);
  } catch (error) {
    return refused(error);
  }
  return isPromiseLike(checked) ? Promise.resolve(checked).then(() => next(), refused) : next();
}

/** Thrown (as a 500, never as an open route) when a guard is mounted on a non-Koa driver. */
export class KoaOnlyError extends Error {
  constructor() {
    super('routing-controllers-oauth1 guards need the Koa driver (createKoaServer / useKoaServer).');
  }
}

interface RouterLayer {
  path: string;
  methods: string[];
  stack: Middleware[];
}

/** Index of the last guard in each layer's middleware chain. */
const lastGuardAt = new WeakMap<RouterLayer, number>();

/**
 * A class-level and a method-level `@RequireOAuth()` both sit in the route's middleware chain, class
 * first. The request must be verified once, with the method's options over the class's: so a guard
 * that sees another guard later in the matched @koa/router layer hands its options on instead.
 */
function deferToLaterGuard(ctx: Context, guard: Guard): boolean {
  const { matched, _matchedRoute } = ctx as Context & { matched?: RouterLayer[]; _matchedRoute?: unknown };
  for (const layer of matched ?? []) {
    const at = layer.stack.indexOf(guard);
    if (at < 0 || layer.path !== _matchedRoute || !layer.methods.includes(ctx.method)) continue;
    let last = lastGuardAt.get(layer);
    if (last === undefined) {
      last = layer.stack.findLastIndex((fn) => (fn as Guard)[PENDING] === true);
      lastGuardAt.set(layer, last);
    }
    return at < last;
  }
  return false;
}
