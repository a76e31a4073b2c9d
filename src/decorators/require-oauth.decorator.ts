import { getMetadataArgsStorage, UseBefore } from 'routing-controllers';
import {
  checkRouteOptions,
  mergeRouteOptions,
  ROUTE_OPTION_NAMES,
  type RouteOptions,
} from '../protector/route-options';
import { ResourceProtector } from '../protector/resource-protector';
import { bodyShapeOf, checkNoUploads } from './action-body';
import { actionGuard } from './action-guard';
import { registeredProtector, type ProtectorKey } from './registered-protector';

export interface RequireOAuthOptions extends RouteOptions {
  /** Another protector (another realm or store) by class or typedi `Token`; default `ResourceProtector`. */
  protector?: ProtectorKey;
}

/** A route's options and the decorator's own (`protector`), each named once for its type. */
const REQUIRE_OAUTH_OPTION_NAMES: readonly string[] = [
  ...ROUTE_OPTION_NAMES,
  ...Object.keys({ protector: true } satisfies Record<Exclude<keyof RequireOAuthOptions, keyof RouteOptions>, true>),
];

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

/** What a guard passes on to the guards that extend or override it: its scopes and `authorize` rules alone. */
const requirementsOf = ({ scopes, authorize }: RequireOAuthOptions): RequireOAuthOptions => ({ scopes, authorize });

/** `@RequireOAuth()` applications so far: each may give classes already defined guards to register. */
let decorations = 0;

/** The actions that have their guard, by controller class. */
const guardedActions = new WeakMap<Function, Set<string>>();

/**
 * Guards that run before their action's own `@UseBefore()` middlewares: a class's (applied after its methods'
 * decorators, it would otherwise run after them) and an inherited one. A method's guard keeps its place among its
 * method's decorators, as routing-controllers orders them.
 */
const runsFirst = new WeakSet<object>();

/**
 * Each action gets exactly one guard, with the class's and the method's options merged; they are read on
 * the first request, once every decorator has run (method decorators run before class decorators).
 */
function guardAction(controller: Function, method: string, first: boolean): void {
  let forClass = guardedActions.get(controller);
  if (!forClass) guardedActions.set(controller, (forClass = new Set()));
  forClass.add(method);
  const middleware = actionGuard(() => {
    checkNoUploads(controller, method);
    const { protector = ResourceProtector, ...route } = requireOAuthMetadata(controller, method) ?? {};
    return {
      protector: () => registeredProtector(protector),
      target: { route, bodyShape: bodyShapeOf(controller, method) },
    };
  });
  if (first) runsFirst.add(middleware);
  (UseBefore(middleware) as (target: object, method: string) => void)(controller.prototype, method);
}

/**
 * Guards a controller class (all its actions) or one action with OAuth 1.0a (Authlib: `@require_oauth()`).
 * Where both apply, the action's options are laid over the class's (its scopes and `authorize` predicates
 * add to the class's), and the action has one guard, which verifies the request once.
 */
export function RequireOAuth(options: RequireOAuthOptions = {}): ClassDecorator & MethodDecorator {
  checkRouteOptions(options, REQUIRE_OAUTH_OPTION_NAMES);
  return (target: object, method?: string | symbol) => {
    decorations++;
    if (method === undefined) {
      const controller = target as Function;
      // Two on one class are one guard too, the outer one's options laid over the inner one's.
      classOptions.set(controller, mergeRouteOptions(classOptions.get(controller), options));
      const guarded = ownMethodOptions(controller);
      for (const action of actionsOf(controller)) {
        if (!guarded.has(action) && !guardedActions.get(controller)?.has(action)) guardAction(controller, action, true);
      }
    } else {
      // Two decorators on one action are one guard too, the outer one's options laid over the inner one's.
      const controller = target.constructor;
      const own = ownMethodOptions(controller);
      own.set(method, mergeRouteOptions(own.get(method), options));
      if (!guardedActions.get(controller)?.has(String(method))) guardAction(controller, String(method), false);
    }
  };
}

/**
 * The effective `@RequireOAuth()` options of a controller action (class options with the method's laid
 * over them), or undefined when the action is not guarded. For tools such as OpenAPI generators.
 */
export function requireOAuthMetadata(controller: Function, method?: string): RequireOAuthOptions | undefined {
  let onMethod: RequireOAuthOptions | undefined;
  let onClass: RequireOAuthOptions | undefined;
  // A subclass keeps its superclasses' guards. A class or method with a guard of its own keeps the requirements of
  // the guards it extends or overrides (scopes and rules add up) but states its own settings: an inherited
  // `optional: true` would otherwise open to anyone what its author guarded with scopes.
  for (let c: unknown = controller; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const ownMethod = method === undefined ? undefined : methodOptions.get(c)?.get(method);
    if (ownMethod) onMethod = onMethod ? mergeRouteOptions(requirementsOf(ownMethod), onMethod) : ownMethod;
    const own = classOptions.get(c);
    if (own) onClass = onClass ? mergeRouteOptions(requirementsOf(own), onClass) : own;
  }
  if (!onClass && !onMethod) return undefined;
  return onMethod ? mergeRouteOptions(onClass, onMethod) : onClass;
}

/**
 * routing-controllers builds a controller's inherited actions with the subclass as their target, and looks their
 * @UseBefore middlewares up by that target alone: a controller extending a guarded class, without a guard of its
 * own, would serve the inherited actions (and its own) unguarded. This registers their guards, with the options
 * they inherit, for every controller defined so far.
 */
function guardInheritedActions(): void {
  for (const { target } of getMetadataArgsStorage().controllers) {
    const controller = target as Function;
    for (const method of actionsOf(controller)) {
      if (!guardedActions.get(controller)?.has(method) && requireOAuthMetadata(controller, method)) {
        guardAction(controller, method, true);
      }
    }
  }
}

/** The registration of a guard that runs before its action's own middlewares (`runsFirst`). */
const isFirstGuardUse = (use: { middleware: unknown }): boolean => runsFirst.has(use.middleware as object);

/**
 * It runs when routing-controllers reads the middlewares of the first action it builds, which is after it has
 * imported every controller (a glob in `controllers` is imported inside useKoaServer() and useExpressServer()), and
 * again only once controllers or actions have been added since, or the storage was reset. routing-controllers offers
 * no hook at that moment; called from anything an app makes before (a body parser, as until 2026-12-06), it missed the
 * controllers defined after, and an app that made none of them (Express needs no parser) served every inherited
 * action to anyone.
 */
function guardInheritedActionsWhenRoutesAreBuilt(): void {
  const storage = getMetadataArgsStorage();
  const filterUses = storage.filterUsesWithTargetAndMethod;
  if (typeof filterUses !== 'function') {
    throw new Error('routing-controllers-oauth1: this routing-controllers has no filterUsesWithTargetAndMethod.');
  }
  // What was registered when it last ran: reset() replaces the arrays, and definitions only add to them; a guard
  // applied since (to a base class, after an app was built) may have given existing subclasses inherited guards.
  let seen: { controllers?: unknown[]; actions?: unknown[]; count: number } = { count: -1 };
  storage.filterUsesWithTargetAndMethod = function (target, method) {
    const { controllers, actions } = storage;
    const count = controllers.length + actions.length + decorations;
    if (seen.controllers !== controllers || seen.actions !== actions || seen.count !== count) {
      seen = { controllers, actions, count };
      guardInheritedActions();
    }
    const uses = filterUses.call(this, target, method);
    // A class's (or inherited) guard before the action's own middlewares: applied after its methods' @UseBefore(), it
    // ran after them, and one answering by itself (a cache) answered unverified requests.
    if (method === undefined) return uses;
    return [...uses.filter(isFirstGuardUse), ...uses.filter((use) => !isFirstGuardUse(use))];
  };
}

guardInheritedActionsWhenRoutesAreBuilt();
