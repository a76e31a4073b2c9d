import { createParamDecorator, type Action } from 'routing-controllers';
import { verifiedOf } from '../protector/current-credential';

/** Where a guard left what it verified for an action's request: Koa's `ctx.req`, Express's `res.locals`. */
export const stateHolderOf = (action: Action): object =>
  (action.context ? action.context.req : action.response.locals) as object;

/** Injects the verified token credential of a guarded action (Authlib: `current_credential`). */
export function Credential(): ParameterDecorator {
  return createParamDecorator({
    value: (action) => verifiedOf(stateHolderOf(action))?.credential,
  }) as ParameterDecorator;
}
