/**
 * The middleware that `@RequireOAuth()` registers for one action, on whichever routing-controllers driver
 * runs it: a Koa middleware is called with (ctx, next), an Express one with (req, res, next).
 */
import { createGuard, type GuardTarget } from '../koa/guard';
import type { ResourceProtector } from '../protector/resource-protector';

/** The protector and target of one action, resolved on its first request. */
export interface ActionBinding {
  protector: () => ResourceProtector;
  target: GuardTarget;
}

/** Thrown (as a 500, never as an open route) when a guard is mounted on a driver it does not support. */
export class KoaOnlyError extends Error {
  constructor() {
    super('routing-controllers-oauth1 guards need the Koa driver (createKoaServer / useKoaServer).');
  }
}

/** Marks the middleware of a guard, for tools that read routing-controllers' metadata. */
const GUARD = Symbol('routing-controllers-oauth1.guard');

export function actionGuard(bind: () => ActionBinding): (...args: never[]) => unknown {
  let binding: ActionBinding | undefined;
  const bound = () => (binding ??= bind());
  const koa = createGuard(
    () => bound().protector(),
    () => bound().target,
  );
  const middleware = (...args: unknown[]) => {
    // routing-controllers' express driver calls (req, res, next): refuse to guard there, loudly and closed.
    if (typeof args[2] === 'function') return (args[2] as (error: Error) => void)(new KoaOnlyError());
    return koa(...(args as Parameters<typeof koa>));
  };
  return Object.defineProperty(middleware, GUARD, { value: true });
}
