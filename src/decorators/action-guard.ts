/**
 * The middleware that `@RequireOAuth()` registers for one action, on whichever routing-controllers driver
 * runs it: the Koa driver calls a middleware with (ctx, next), the Express driver with (req, res, next).
 */
import { createExpressGuard } from '../express/guard';
import type { ExpressRequest, ExpressResponse, NextFunction } from '../express/express-types';
import { createGuard } from '../koa/guard';
import type { KoaContext, KoaNext } from '../koa/koa-types';
import type { GuardTarget } from '../protector/route-options';
import type { ResourceProtector } from '../protector/resource-protector';

/** The protector and target of one action, resolved on its first request. */
export interface ActionBinding {
  protector: () => ResourceProtector;
  target: GuardTarget;
}

/** Marks the middleware of a guard, for tools that read routing-controllers' metadata. */
const GUARD = Symbol('routing-controllers-oauth1.guard');

export function actionGuard(bind: () => ActionBinding): (...args: never[]) => unknown {
  let binding: ActionBinding | undefined;
  const bound = () => (binding ??= bind());
  const protector = () => bound().protector();
  const target = () => bound().target;
  const koa = createGuard(protector, target);
  const express = createExpressGuard(protector, target);
  // Three parameters: Express reads a middleware's arity, and takes one of four for an error handler.
  const middleware = (first: unknown, second: unknown, third?: unknown) =>
    typeof third === 'function'
      ? express(first as ExpressRequest, second as ExpressResponse, third as NextFunction)
      : koa(first as KoaContext, second as KoaNext);
  return Object.defineProperty(middleware, GUARD, { value: true });
}
