import type { BodyShape } from '../http/body-value';
import type { AccessRules, Authorize } from './access';
import { checkBaseString, type BaseStringRule } from '../rfc5849/signature';
import { checkNames, checkRealm } from './settings';

/** What a route may set for itself over the protector's settings. */
export interface RouteOptions extends AccessRules {
  realm?: string;
  signatureMethods?: readonly string[];
  /**
   * Accept consumer-only (two-legged) requests without `oauth_token`, signed with the client secret alone;
   * the credential is then the client. A request that does carry a token is verified as usual.
   */
  twoLegged?: boolean;
  /** The base string this route's signatures are over (the protector's `baseString` setting by default). */
  baseString?: BaseStringRule;
  /**
   * Optional authentication: a request with no OAuth credentials at all passes without a credential (the
   * framework's own reading of it untouched); one that carries any is verified as usual.
   */
  optional?: boolean;
}

/** The options a route may set, named once for `RouteOptions` (a name missing here, or extra, fails to compile). */
export const ROUTE_OPTION_NAMES: readonly string[] = Object.keys({
  realm: true,
  signatureMethods: true,
  twoLegged: true,
  baseString: true,
  optional: true,
  scopes: true,
  authorize: true,
} satisfies Record<keyof RouteOptions, true>);

/** A scope as a token may be granted it: one non-empty token, no spaces (RFC 6749 §3.3's scope-token). */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

const isArrayOf = (value: unknown, item: (element: unknown) => boolean) => Array.isArray(value) && value.every(item);

/**
 * Refuses, where a route is declared, options that would not mean what they say: a realm its refusals could not
 * carry, scopes that are not an array of scope tokens (`scopes: 'admin'` made every verified request a 500, and
 * `'read admin'` could only match a scope of that very spelling), signature methods that are not an array of names,
 * a predicate that is not a function, a switch that is not a boolean.
 */
export function checkRouteOptions(route: RouteOptions, known: readonly string[] = ROUTE_OPTION_NAMES): void {
  // A misspelt name (`scope`, `authorise`) would leave the route open to every valid token without a word.
  checkNames('route option', route, known);
  if (route.realm !== undefined) checkRealm(route.realm);
  if (route.baseString !== undefined) checkBaseString(route.baseString);
  const refuse = (what: string) => {
    throw new TypeError(`A route's ${what}.`);
  };
  if (route.scopes !== undefined && !isArrayOf(route.scopes, (s) => typeof s === 'string' && SCOPE.test(s))) {
    refuse('scopes are an array of scope names without spaces');
  }
  const methods = route.signatureMethods;
  if (methods !== undefined && (!isArrayOf(methods, (m) => typeof m === 'string') || methods.length === 0)) {
    refuse('signatureMethods are an array of one or more method names');
  }
  if (route.authorize !== undefined && ![route.authorize].flat().every((p) => typeof p === 'function')) {
    refuse('authorize is a function or an array of functions');
  }
  for (const name of ['twoLegged', 'optional'] as const) routeSwitch(route, name, false);
}

/**
 * A route's switch, or `fallback` when it sets none; never read by its truthiness (`twoLegged: 'false'` would accept
 * requests without a token): anything but a boolean is a TypeError. Also read so by `verify()`, whose caller's routes
 * no decorator has checked.
 */
export function routeSwitch(route: RouteOptions, name: 'twoLegged' | 'optional', fallback: boolean): boolean {
  const value: unknown = route[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`A route's ${name} is true or false.`);
  return value;
}

/**
 * Lays `inner` (a method's options, or a subclass's) over `outer` (its class's, or its superclass's): scopes and
 * authorization predicates add up, so neither can be dropped; settings (realm, signature methods, `twoLegged`,
 * `baseString`, `optional`) are replaced, so a method may choose its own, wider ones too.
 */
export function mergeRouteOptions<R extends RouteOptions>(outer: R | undefined, inner: R): R {
  if (!outer) return inner;
  const predicates = [outer.authorize, inner.authorize].flat().filter((p): p is Authorize => p !== undefined);
  const merged: R = { ...outer };
  for (const [key, value] of Object.entries(inner)) if (value !== undefined) Object.assign(merged, { [key]: value });
  if (outer.scopes || inner.scopes) merged.scopes = [...new Set([...(outer.scopes ?? []), ...(inner.scopes ?? [])])];
  if (predicates.length) merged.authorize = predicates;
  return merged;
}

/** What one guard protects: the route's options, and what its action binds a JSON body to. */
export interface GuardTarget {
  route: RouteOptions;
  bodyShape: BodyShape;
}
