/**
 * A routing-controllers `Action` (what its checkers receive) on either driver: its Node request, the
 * adapter's view of it, and how the verified reading is installed. Koa actions carry `context`; Express
 * actions carry `request` and `response`.
 */
import type { Action } from 'routing-controllers';
import { expressRequest } from '../express/express-request';
import type { ExpressRequest, ExpressResponse } from '../express/express-types';
import { installGuarded as installOnExpress } from '../express/guard';
import { installGuarded as installOnKoa } from '../koa/guard';
import { koaRequest } from '../koa/koa-request';
import type { AdapterRequest } from '../protector/adapter-request';
import type { GuardedRequest, ResourceProtector } from '../protector/resource-protector';

/** Where a guard left what it verified for an action's request: Koa's `ctx.req`, Express's `res.locals`. */
export const stateHolderOf = (action: Action): object =>
  (action.context ? action.context.req : action.response.locals) as object;

export interface ActionAdapter {
  request: AdapterRequest;
  install(protector: ResourceProtector, guarded: GuardedRequest): void;
  /** Sets headers on the response that routing-controllers will write. */
  setHeaders(headers: Record<string, string>): void;
}

export function actionAdapter(action: Action): ActionAdapter {
  if (action.context) {
    const ctx = action.context as Parameters<typeof koaRequest>[0];
    return {
      request: koaRequest(ctx, true), // routing-controllers runs its checkers before its upload parser
      install: (protector, guarded) => installOnKoa(protector, ctx, guarded),
      setHeaders: (headers) => ctx.set(headers),
    };
  }
  const req = action.request as ExpressRequest;
  const res = action.response as ExpressResponse;
  return {
    request: expressRequest(req, true),
    install: (protector, guarded) => installOnExpress(protector, req, res.locals, guarded),
    setHeaders: (headers) => res.set(headers),
  };
}
