import type { BodyShape } from '../http/body-value';
import type { AccessRules, Authorize } from './access';
import { checkRealm } from './settings';

/** What a route may set for itself over the protector's settings. */
export interface RouteOptions extends AccessRules {
  realm?: string;
  signatureMethods?: readonly string[];
  /**
   * Accept consumer-only (two-legged) requests without `oauth_token`, signed with the client secret alone;
   * the credential is then the client. A request that does carry a token is verified as usual.
   */
  twoLegged?: boolean;
  /**
   * Optional authentication: a request with no OAuth credentials at all passes without a credential (the
   * framework's own reading of it untouched); one that carries any is verified as usual.
   */
  optional?: boolean;
}

/** Refuses, where a route is declared, options its refusals could not be written with. */
export function checkRouteOptions(route: RouteOptions): void {
  if (route.realm !== undefined) checkRealm(route.realm);
}

/**
 * Lays `inner` (a method's options, or a subclass's) over `outer` (its class's, or its superclass's): scopes and
 * authorization predicates add up, so neither can be dropped; settings (realm, signature methods, `twoLegged`,
 * `optional`) are replaced, so a method may choose its own, wider ones too.
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
