import { getFromContainer, getMetadataArgsStorage, UseBefore } from 'routing-controllers';
import type { Token } from 'typedi';
import { checkRouteOptions, mergeRouteOptions, type RouteOptions } from '../protector/route-options';
import { ResourceProtector } from '../protector/resource-protector';
import { bodyShapeOf } from './action-body';
import { actionGuard } from './action-guard';

export interface RequireOAuthOptions extends RouteOptions {
  /** Another protector (another realm or store) by class or typedi `Token`; default `ResourceProtector`. */
  protector?: (abstract new (...args: never[]) => ResourceProtector) | Token<ResourceProtector>;
}

/** Options of every `@RequireOAuth()` use: per class, and per class and method. */
const classOptions = new WeakMap<Function, RequireOAuthOptions>();
const methodOptions = new WeakMap<Function, Map<string | symbol, RequireOAuthOptions>>();

const ownMethodOptions = (controller: Function) => {
  let forClass = methodOptions.get(controller);
  if (!forClass) methodOptions.set(controller, (forClass = new Map()));
  return forClass;
};

/** The action methods of a controller class, its own and inherited (as routing-controllers collects them). */
function actionsOf(controller: Function): Set<string> {
  const methods = new Set<string>();
  for (let c: unknown = controller; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    for (const action of getMetadataArgsStorage().actions) if (action.target === c) methods.add(action.method);
  }
  return methods;
}

/**
 * Each action gets exactly one guard, with the class's and the method's options merged; they are read on
 * the first request, once every decorator has run (method decorators run before class decorators).
 */
function guardAction(controller: Function, method: string): void {
  const middleware = actionGuard(() => {
    const { protector = ResourceProtector, ...route } = requireOAuthMetadata(controller, method) ?? {};
    return {
      protector: () => getFromContainer<ResourceProtector>(protector as Function),
      target: { route, bodyShape: bodyShapeOf(controller, method) },
    };
  });
  (UseBefore(middleware) as (target: object, method: string) => void)(controller.prototype, method);
}

/**
 * Guards a controller class (all its actions) or one action with OAuth 1.0a (Authlib: `@require_oauth()`).
 * Where both apply, the action's options are laid over the class's (its scopes and `authorize` predicates
 * add to the class's), and the action has one guard, which verifies the request once.
 */
export function RequireOAuth(options: RequireOAuthOptions = {}): ClassDecorator & MethodDecorator {
  checkRouteOptions(options);
  return (target: object, method?: string | symbol) => {
    if (method === undefined) {
      const controller = target as Function;
      classOptions.set(controller, options);
      const guarded = ownMethodOptions(controller);
      for (const action of actionsOf(controller)) if (!guarded.has(action)) guardAction(controller, action);
    } else {
      const controller = target.constructor;
      ownMethodOptions(controller).set(method, options);
      guardAction(controller, String(method));
    }
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
