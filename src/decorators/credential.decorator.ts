import { createParamDecorator, type Action } from 'routing-controllers';
import { verifiedOf } from '../protector/current-credential';

/** The Node request of an action: Koa's `ctx.req`, or Express's request itself. */
export const nodeRequestOf = (action: Action): object =>
  (action.context ? action.context.req : action.request) as object;

/** Injects the verified token credential of a guarded action (Authlib: `current_credential`). */
export function Credential(): ParameterDecorator {
  return createParamDecorator({
    value: (action) => verifiedOf(nodeRequestOf(action))?.credential,
  }) as ParameterDecorator;
}
