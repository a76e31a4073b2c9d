import { getFromContainer, UseBefore } from 'routing-controllers';
import type { Token } from 'typedi';
import { createGuard } from '../koa/guard';
import { mergeRouteOptions, ResourceProtector, type RouteOptions } from '../protector/resource-protector';

export interface RequireOAuthOptions extends RouteOptions {
  /** Another protector (another realm or store) by class or typedi `Token`; default `ResourceProtector`. */
  protector?: (abstract new (...args: never[]) => ResourceProtector) | Token<ResourceProtector>;
}

/** Options of every `@RequireOAuth()` use: per class, and per class and method. */
const classOptions = new WeakMap<Function, RequireOAuthOptions>();
const methodOptions = new WeakMap<Function, Map<string | symbol, RequireOAuthOptions>>();

/**
 * Guards a controller class (all its actions) or one action with OAuth 1.0a (Authlib:
 * `@require_oauth()`). Where both apply, the action's options are laid over the class's (its scopes and
 * `authorize` predicates add to the class's) and the request is verified once.
 */
export function RequireOAuth(options: RequireOAuthOptions = {}): ClassDecorator & MethodDecorator {
  const { protector = ResourceProtector, ...route } = options;
  // Resolved per request through routing-controllers' container (`useContainer`), so apps can replace it.
  const guard = createGuard(() => getFromContainer<ResourceProtector>(protector as Function), route);
  const use = UseBefore(guard) as (target: object, method?: string | symbol) => void;
  return (target: object, method?: string | symbol) => {
    if (method === undefined) classOptions.set(target as Function, options);
    else {
      const ctor = target.constructor;
      const forClass = methodOptions.get(ctor) ?? new Map<string | symbol, RequireOAuthOptions>();
      methodOptions.set(ctor, forClass.set(method, options));
    }
    use(target, method);
  };
}

/**
 * The effective `@RequireOAuth()` options of a controller action (class options with the method's laid
 * over them), or undefined when the action is not guarded. For tools such as OpenAPI generators.
 */
export function requireOAuthMetadata(controller: Function, method?: string): RequireOAuthOptions | undefined {
  let onMethod: RequireOAuthOptions | undefined;
  for (let c: unknown = controller; method !== undefined && typeof c === 'function' && !onMethod;) {
    onMethod = methodOptions.get(c)?.get(method);
    c = Object.getPrototypeOf(c);
  }
  const onClass = classOptions.get(controller);
  if (!onClass && !onMethod) return undefined;
  return onMethod ? mergeRouteOptions(onClass, onMethod) : onClass;
}
