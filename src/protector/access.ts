/**
 * What a verified caller may do on a route: its granted scopes must include the route's, then every
 * `authorize` predicate must answer true. Checked only after the signature verified, so a forger learns
 * nothing from them.
 */
import type { Client, TokenCredential } from '../rfc5849/credentials';
import { AccessDeniedError, InsufficientScopeError, type Claimed } from '../rfc5849/errors';
import { andThen, type MaybePromise } from '../rfc5849/maybe-promise';
import type { FlatParameters } from '../http/flat-parameters';
import type { HttpRequest } from '../http/http-request';
import { BOOLEAN, STRINGS, type StoreAnswer, type StoreCalls } from './store-call';

/** What an access rule sees of the request: the verified reading, in no framework's terms. */
export interface AccessRequest {
  method: string;
  /** The path as sent. */
  path: string;
  host: string;
  /** The route's parameters (`/notes/:id` → `{ id }`), from the router. */
  params: Readonly<Record<string, string>>;
  /** The verified query parameters. */
  query: Readonly<FlatParameters>;
}

/** The AccessRequest of a request as read once, with the router's parameters and the verified query. */
export function accessRequest(
  read: Pick<HttpRequest, 'method' | 'path' | 'host'>,
  params: Readonly<Record<string, string>>,
  query: Readonly<FlatParameters>,
): AccessRequest {
  return { method: read.method, path: read.path, host: read.host, params, query };
}

/** The authorization predicate of a route: may this verified caller do this? */
export type Authorize = (credential: TokenCredential | Client, request: AccessRequest) => MaybePromise<boolean>;

export interface AccessRules {
  /** Scopes the credential must have been granted (403 `insufficient_scope` otherwise). */
  scopes?: readonly string[];
  /** Checked after a valid signature: false → 403 `access_denied`; a throw, timeout or non-boolean → 503. */
  authorize?: Authorize | readonly Authorize[];
}

/** A credential that knows its granted scopes. */
export interface ScopedCredential {
  getScopes(): readonly string[];
}

export interface AccessContext<C> {
  /** Each scope lookup and predicate runs under the store-fault rule through these. */
  calls: StoreCalls;
  /** Granted scopes, for models that do not say themselves: given, it answers for every credential (none asked). */
  getScopes?(credential: C): MaybePromise<readonly string[]>;
}

/** Answers at once when the route has no rules or its lookups answer synchronously. */
export function checkAccess<C extends TokenCredential | Client>(
  credential: C,
  rules: AccessRules,
  request: AccessRequest,
  context: AccessContext<C>,
  claimed: Claimed,
): MaybePromise<void> {
  const predicates = [rules.authorize ?? []].flat();
  const ask = <R>(call: () => MaybePromise<R>, answer: StoreAnswer) => context.calls.run(claimed, call, answer);
  const next = (at: number): MaybePromise<void> => {
    if (at === predicates.length) return;
    return andThen(
      ask(() => predicates[at](credential, request), BOOLEAN),
      (allowed) => {
        if (allowed !== true) throw new AccessDeniedError({ claimed });
        return next(at + 1);
      },
    );
  };
  const required = rules.scopes ?? [];
  if (required.length === 0) return next(0);
  const lookup = context.getScopes;
  // An array of strings, compared whole: a string ("read admin") would grant every scope it contains.
  const granted = ask(
    () => (lookup ? lookup(credential) : ((credential as Partial<ScopedCredential>).getScopes?.() ?? [])),
    STRINGS,
  );
  return andThen(granted, (scopes) => {
    const missing = required.filter((scope) => !scopes.includes(scope));
    if (missing.length) throw new InsufficientScopeError(required, missing, { claimed });
    return next(0);
  });
}
