/**
 * routing-controllers' own auth convention, on OAuth 1.0a: `authorizationChecker` for `@Authorized()` and
 * `currentUserChecker` for `@CurrentUser()`, for `useKoaServer` / `useExpressServer` options. `@Authorized()` works
 * with or without `@RequireOAuth()` on the route: a request a guard verified is not verified again (its nonce is
 * already recorded), one that no guard saw is verified here. Refusals keep the OAuth error contract.
 */
import { HttpError, type Action } from 'routing-controllers';
import { isMultipart } from '../http/media-type';
import { namesOAuth } from '../protector/adapter-request';
import { verifiedBy } from '../protector/current-credential';
import { closesConnection, responseOf } from '../protector/refusal';
import { ResourceProtector, type GuardedRequest } from '../protector/resource-protector';
import type { RouteOptions } from '../protector/route-options';
import { checkNames } from '../protector/settings';
import type { Client, TokenCredential } from '../rfc5849/credentials';
import { OAuthError } from '../rfc5849/errors';
import { andThen, isPromiseLike, recover, type MaybePromise } from '../rfc5849/maybe-promise';
import { actionAdapter, stateHolderOf } from './action-adapter';
import { registeredProtector, type ProtectorKey } from './registered-protector';

export interface OAuthCheckerOptions {
  /** The protector, by class or typedi `Token`; default `ResourceProtector` from routing-controllers' container. */
  protector?: ProtectorKey;
}

const CHECKER_OPTION_NAMES = Object.keys({ protector: true } satisfies Record<keyof OAuthCheckerOptions, true>);

/**
 * A checker's options, checked when it is made as a protector's are: `{ protecter }`, or the protector's key given
 * for the options, would check every request with the default `ResourceProtector` (another realm's stores).
 */
const checkCheckerOptions = (what: string, options: OAuthCheckerOptions) =>
  checkNames(`${what} option`, options, CHECKER_OPTION_NAMES);

/**
 * A refusal as routing-controllers renders errors: its status as `httpCode`, the OAuth body from `toJSON()`
 * (JSON controllers; text ones get its description), and, for apps with their own error handling (Koa's
 * `onerror`, Express's final handler), `status`, `expose` and the challenge as `headers`.
 */
export class OAuthHttpError extends HttpError {
  readonly status: number;
  readonly expose = true;
  readonly headers: Record<string, string>;
  readonly body: unknown;

  constructor(readonly error: OAuthError) {
    const response = responseOf(error);
    super(response.status, error.message);
    Object.setPrototypeOf(this, new.target.prototype); // HttpError sets its own prototype
    this.name = 'OAuthHttpError';
    // No frames: renderers print a stack where one is set (routing-controllers' text controllers in development mode,
    // Express's final handler outside production), and a refusal tells the client its description, no file paths.
    // The OAuth error, as `error`, keeps its own for the server's logs.
    this.stack = error.message;
    this.status = response.status;
    this.headers = response.headers;
    this.body = response.body;
  }

  toJSON(): unknown {
    return this.body;
  }
}

/**
 * routing-controllers asks `currentUserChecker` while it reads the action's parameters, each from its own reading of
 * the request: a request verified there would hand the action a query and body the signature never covered
 * (Express's `qs` objects among them) beside the verified credential. `@Authorized()` runs before them.
 */
const VERIFIED_AMONG_PARAMETERS =
  'routing-controllers-oauth1: @CurrentUser() was asked to verify a signed request on an action without ' +
  "@RequireOAuth() or @Authorized(): the action's other parameters are read before the checker runs, so they would " +
  'not be the verified reading. Put @RequireOAuth({ optional: true }) (or @Authorized()) on the action.';

const protectorOf = (options: OAuthCheckerOptions) => registeredProtector(options.protector ?? ResourceProtector);

/**
 * The verified request of an action: the one a guard (or an earlier checker) accepted, else the request
 * verified now (`undefined` for one without credentials on an `optional` route), with the route's scopes
 * applied in both cases. Refusals are thrown as `OAuthHttpError`s, their headers set on the response first.
 */
function verifiedFor(
  action: Action,
  options: OAuthCheckerOptions,
  route: RouteOptions,
  beforeParameters: boolean,
): MaybePromise<GuardedRequest | undefined> {
  const protector = protectorOf(options);
  const adapter = actionAdapter(action);
  const earlier = verifiedBy(stateHolderOf(action), protector);
  return recover(
    () => {
      if (earlier) return andThen(protector.checkGuardedAccess(adapter.request, earlier, route), () => earlier);
      // Before anything is verified or recorded (the nonce, the audit): whatever it proves, it is not anonymous. (An
      // upload's refusal comes first: the action could not be guarded either.)
      if (
        !beforeParameters &&
        !isMultipart(adapter.request.req.headers['content-type']) &&
        namesOAuth(adapter.request)
      ) {
        throw new TypeError(VERIFIED_AMONG_PARAMETERS);
      }
      // No guard saw this request, and none can see the action's DTO: a JSON body must be an object here.
      return andThen(protector.guard(adapter.request, route, 'object'), (guarded) => {
        if (guarded && !beforeParameters) throw new TypeError(VERIFIED_AMONG_PARAMETERS); // its credentials in a form
        if (guarded) adapter.install(protector, guarded);
        return guarded;
      });
    },
    (error) => {
      if (!(error instanceof OAuthError)) throw error;
      const refusal = new OAuthHttpError(error);
      adapter.setHeaders(refusal.headers);
      if (closesConnection(error, adapter.request.req)) adapter.setHeaders({ Connection: 'close' });
      throw refusal;
    },
  );
}

/**
 * `authorizationChecker` for routing-controllers: `@Authorized()` requires a verified OAuth request;
 * `@Authorized('notes:write')` also that scope, and `@Authorized(['a', 'b'])` every listed scope (roles are
 * read as scopes, all of them required).
 */
export function oauthAuthorizationChecker(
  options: OAuthCheckerOptions = {},
): (action: Action, roles: string[]) => boolean | Promise<boolean> {
  checkCheckerOptions('oauthAuthorizationChecker', options);
  const checker = (action: Action, roles: string[]) => {
    const allowed = andThen(verifiedFor(action, options, { scopes: roles }, true), () => true);
    return isPromiseLike(allowed) ? Promise.resolve(allowed) : allowed;
  };
  return Object.defineProperty(checker, OAUTH_CHECKER, { value: true });
}

/** Marks the checkers made here: an OpenAPI document can then tell `@Authorized()` routes OAuth guards. */
const OAUTH_CHECKER = Symbol('routing-controllers-oauth1.authorization-checker');

/** Whether routing-controllers' `authorizationChecker` is this library's: then `@Authorized()` means OAuth. */
export const isOAuthAuthorizationChecker = (checker: unknown): boolean =>
  typeof checker === 'function' && (checker as { [OAUTH_CHECKER]?: boolean })[OAUTH_CHECKER] === true;

/**
 * `currentUserChecker` for routing-controllers: `@CurrentUser()` gives the verified credential (the client on
 * a two-legged request), or what `toUser` makes of it. A request without credentials gives `undefined`
 * (routing-controllers answers a required `@CurrentUser({ required: true })` with its own 401); a signed one
 * must have been verified by the action's `@RequireOAuth()` or `@Authorized()`: here it is a `TypeError`, forged or
 * not (see `VERIFIED_AMONG_PARAMETERS`).
 */
export function oauthCurrentUserChecker<U = TokenCredential | Client>(
  toUser: (credential: TokenCredential | Client, verified: GuardedRequest) => MaybePromise<U> = (credential) =>
    credential as U,
  options: OAuthCheckerOptions = {},
): (action: Action) => MaybePromise<U | undefined> {
  if (typeof toUser !== 'function') {
    throw new TypeError('oauthCurrentUserChecker(toUser, options) takes a function first (its options come second).');
  }
  checkCheckerOptions('oauthCurrentUserChecker', options);
  return (action) =>
    andThen(verifiedFor(action, options, { optional: true }, false), (verified) =>
      verified === undefined ? undefined : toUser(verified.credential, verified),
    );
}
