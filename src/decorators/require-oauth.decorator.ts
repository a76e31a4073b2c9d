import { getFromContainer, UseBefore } from 'routing-controllers';
import type { Token } from 'typedi';
import { createGuard } from '../koa/guard';
import { ResourceProtector, type RouteOptions } from '../protector/resource-protector';

export interface RequireOAuthOptions extends RouteOptions {
  /** Another protector (another realm or store) by class or typedi `Token`; default `ResourceProtector`. */
  protector?: (abstract new (...args: never[]) => ResourceProtector) | Token<ResourceProtector>;
}

/**
 * Guards a controller class (all its actions) or one action with OAuth 1.0a (Authlib:
 * `@require_oauth()`). Where both apply, the action's options are laid over the class's and the
 * request is verified once.
 */
export function RequireOAuth(options: RequireOAuthOptions = {}): ClassDecorator & MethodDecorator {
  const { protector = ResourceProtector, ...route } = options;
  // Resolved per request through routing-controllers' container (`useContainer`), so apps can replace it.
  const guard = createGuard(() => getFromContainer<ResourceProtector>(protector as Function), route);
  const use = UseBefore(guard) as (target: object, method?: string | symbol) => void;
  return (target: object, method?: string | symbol) => use(target, method);
}
