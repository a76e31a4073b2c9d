import { checkProtector, type ResourceProtector } from '../protector/resource-protector';
import { checkRouteOptions, type RouteOptions } from '../protector/route-options';
import { createGuard } from './guard';
import type { KoaMiddleware } from './koa-types';

/**
 * The same guard as plain Koa middleware, for apps on @koa/router (or bare Koa) without
 * routing-controllers: `router.get('/me', requireOAuth(protector), handler)`. The verified credential is
 * on `ctx.state.credential` and from `currentCredential()`; `ctx.query` and `ctx.request.body` hold what
 * was verified.
 */
export function requireOAuth(protector: ResourceProtector, route: RouteOptions = {}): KoaMiddleware {
  checkProtector(protector, 'requireOAuth(protector)');
  checkRouteOptions(route);
  const target = { route, bodyShape: 'any' as const };
  return createGuard(
    () => protector,
    () => target,
  );
}
