import type { Middleware } from 'koa';
import type { ResourceProtector, RouteOptions } from '../protector/resource-protector';
import { createGuard } from './guard';

/**
 * The same guard as plain Koa middleware, for apps on @koa/router (or bare Koa) without
 * routing-controllers: `router.get('/me', requireOAuth(protector), handler)`. The verified credential is
 * on `ctx.state.credential` and from `currentCredential()`.
 */
export function requireOAuth(protector: ResourceProtector, options: RouteOptions = {}): Middleware {
  return createGuard(() => protector, options);
}
