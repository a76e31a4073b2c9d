import { checkProtector, type ResourceProtector } from '../protector/resource-protector';
import { checkRouteOptions, type RouteOptions } from '../protector/route-options';
import type { ExpressMiddleware } from './express-types';
import { createExpressGuard } from './guard';

/**
 * The guard as plain Express middleware, for apps without routing-controllers:
 * `app.get('/me', requireOAuth(protector), handler)`. The verified credential is on `res.locals.credential`
 * and from `currentCredential()`; `req.query` and `req.body` hold what was verified.
 */
export function requireOAuth(protector: ResourceProtector, route: RouteOptions = {}): ExpressMiddleware {
  checkProtector(protector, 'requireOAuth(protector)');
  checkRouteOptions(route);
  const target = { route, bodyShape: 'any' as const };
  return createExpressGuard(
    () => protector,
    () => target,
  );
}
