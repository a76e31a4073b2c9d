import { createParamDecorator } from 'routing-controllers';
import type { OAuthState } from '../koa/guard';

/** Injects the verified token credential of a guarded action (Authlib: `current_credential`). */
export function Credential(): ParameterDecorator {
  return createParamDecorator({
    value: (action) => (action.context.state as Partial<OAuthState>).credential,
  }) as ParameterDecorator;
}
