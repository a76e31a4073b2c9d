/**
 * The Express middleware behind `@RequireOAuth()` (routing-controllers' Express driver) and
 * `requireOAuth()`: one per action, as on Koa (src/koa/guard.ts). It gives the action what was verified and
 * nothing else: `req.query` and `req.body` are made from the verified parameters and bytes, replacing Express's
 * `qs` reading; body-parser, which routing-controllers runs after it, is told the body is read.
 */
import { defineOwnQuery } from '../http/own-query';
import { keptBody } from '../http/request-body';
import type { GuardTarget } from '../protector/route-options';
import { checkNotGuardedYet, checkNotOwnReplay, rememberVerified } from '../protector/current-credential';
import { frameworkQuery } from '../protector/guard-request';
import type { GuardedRequest, ResourceProtector } from '../protector/resource-protector';
import { OAuthError } from '../rfc5849/errors';
import { isPromiseLike, type MaybePromise } from '../rfc5849/maybe-promise';
import { expressRequest } from './express-request';
import type { ExpressMiddleware, ExpressRequest, ExpressResponse, NextFunction } from './express-types';
import { serveParsedBody } from './body';
import { renderOAuthError } from './render-error';
import { serveVerifiedBody } from './served-body';

/** Where the guard leaves its result for the application: `res.locals.oauth` and `res.locals.credential`. */
export function createExpressGuard(
  getProtector: () => ResourceProtector,
  getTarget: () => GuardTarget,
): ExpressMiddleware {
  return (req, res, next) => {
    // Each read of req or res is a lookup of its own: on Node 20 and 22 every Express request has a map of its own.
    const locals = res.locals;
    let protector: ResourceProtector;
    let guarded: MaybePromise<GuardedRequest | undefined>;
    try {
      protector = getProtector();
      checkNotGuardedYet(locals, protector);
      const { route, bodyShape } = getTarget();
      guarded = protector.guard(expressRequest(req), route, bodyShape);
    } catch (error) {
      return refuse(res, next, error);
    }
    if (!isPromiseLike(guarded)) return accept(protector, guarded, req, locals, next);
    // Whatever accepting or refusing throws goes to Express's error handler: a rejection left unhandled ends Node.
    Promise.resolve(guarded)
      .then(
        (found) => accept(protector, found, req, locals, next),
        (error: unknown) => refuse(res, next, error),
      )
      .catch(next);
  };
}

function accept(
  protector: ResourceProtector,
  guarded: GuardedRequest | undefined,
  req: ExpressRequest,
  locals: ExpressResponse['locals'],
  next: NextFunction,
): void {
  if (guarded === undefined) return passWithoutCredentials(protector, req, next);
  installGuarded(protector, req, locals, guarded);
  protector.runWithCredential(guarded, next); // called with no argument, as a next that goes on
}

/**
 * An `optional` route's request without credentials. The guard has read its body to look for them, where body-parser
 * would now find the stream used up (a 500 on Express 4, `req.body` undefined on Express 5): the body is read for the
 * application as `oauthBodyParser()` reads it.
 */
function passWithoutCredentials(protector: ResourceProtector, req: ExpressRequest, next: NextFunction): void {
  const bytes = keptBody(req); // read, and checked as a body of its media type, by the guard
  // Unless a parser before the guard served it (oauthBodyParser(): what a middleware since made of it stays).
  if (bytes !== undefined && !req._body) {
    serveParsedBody(req, bytes, protector);
  }
  next();
}

/** Gives the action the verified reading: `res.locals`, `req.query`, `req.body` (read from `res.locals`). */
export function installGuarded(
  protector: ResourceProtector,
  req: ExpressRequest,
  locals: ExpressResponse['locals'],
  guarded: GuardedRequest,
): void {
  locals.oauth = guarded;
  locals.credential = guarded.credential;
  if (protector.settings.mirrorUser) (req as ExpressRequest & { user?: unknown }).user = guarded.credential;
  rememberVerified(locals, guarded, protector);
  // The verified reading replaces Express's own: Express 4 sets req.query on the request, Express 5 defines it
  // as a getter, which only an own property can stand in front of.
  if (Object.hasOwn(req, 'query')) (req as ExpressRequest & { query: unknown }).query = frameworkQuery(guarded);
  else defineOwnQuery(req, frameworkQuery(guarded));
  serveVerifiedBody(req, guarded);
  // body-parser 1 skips a request so marked (body-parser 2 sees the stream is finished); one without a body it
  // leaves alone anyway.
  if (guarded.request.hasBody) req._body = true;
}

function refuse(res: ExpressResponse, next: NextFunction, error: unknown): void {
  if (!(error instanceof OAuthError)) return next(error);
  try {
    checkNotOwnReplay(res.locals, error);
  } catch (mistake) {
    return next(mistake);
  }
  renderOAuthError(res, error);
}
