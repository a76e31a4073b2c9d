import type { Context } from 'koa';
import type { Client, TokenCredential } from '../rfc5849/credentials';
import { formatSignatureReport, type SignatureReport } from '../rfc5849/diagnosis';
import { AccessDeniedError, InsufficientScopeError, OAuthError } from '../rfc5849/errors';
import type { ParameterLimits } from '../rfc5849/parameters';
import { andThen, mapErrors } from '../rfc5849/maybe-promise';
import {
  verifyRequest,
  type VerifyStores,
  type MaybePromise,
  type OAuthRequest,
  type VerifiedRequest,
  type VerifyPolicy,
} from '../rfc5849/verify-request';
import type { ExistsNonce } from './exists-nonce';
import { storeCall } from './store-call';

/** A credential that knows its granted scopes. */
export interface ScopedCredential {
  getScopes(): readonly string[];
}

/** Every limit of a protector; each is configurable and documented in the README. */
export interface Limits extends ParameterLimits {
  /** Longest consumer key, token and nonce, in characters. */
  credentialLength: number;
  /** Largest request body, in bytes (413 above it). */
  body: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  authorizationHeader: 8 * 1024,
  parameters: 2000,
  credentialLength: 255,
  body: 64 * 1024,
});

export interface ResourceProtectorOptions<C extends Client = Client, T extends TokenCredential = TokenCredential> {
  /** Finds a client by consumer key (Authlib: `query_client`). */
  queryClient: (clientId: string) => MaybePromise<C | undefined | null>;
  /** Finds a token credential issued to this client (Authlib: `query_token`). */
  queryToken: (clientId: string, token: string) => MaybePromise<T | undefined | null>;
  /** True when the nonce was used before; otherwise records it, atomically (Authlib: `exists_nonce`). */
  existsNonce: ExistsNonce;
  /** Signature methods accepted; default `['HMAC-SHA1']`, as Authlib. */
  signatureMethods?: readonly string[];
  /** Realm named in every challenge; default `''`. */
  realm?: string;
  /** Accepted clock skew on both sides, in seconds; default 300. */
  timestampWindowSeconds?: number;
  /** Accept two-legged requests on every route (a route may say otherwise); default false. */
  twoLegged?: boolean;
  /**
   * Development aid: when a signature is refused, log (server side only, never in a response) the base
   * string and normalized parameters the server computed, the URI it used, and hints for the usual
   * mistakes. `true` logs with console.warn; a function receives the report. Off by default.
   */
  debugSignatures?: boolean | ((report: SignatureReport) => void);
  /** Development switch: accept plain http (Authlib: `AUTHLIB_INSECURE_TRANSPORT`). Default false. */
  allowInsecureTransport?: boolean;
  /** Longest a store call may take before it counts as a fault (503); default 1000 ms. */
  storeTimeoutMs?: number;
  limits?: Partial<Limits>;
  /** Granted scopes of a credential, when the credentials do not say themselves (`getScopes()`). */
  getScopes?(credential: T | C): MaybePromise<readonly string[]>;
  /**
   * Called on every accepted and refused request (Koa guard), for audit logs and metrics. Exceptions it
   * throws are ignored: auditing never changes an answer.
   */
  audit?: (event: AuditEvent) => void;
  /**
   * Whether guarded requests run inside the AsyncLocalStorage that `currentCredential()` reads; default
   * true. On Node 20, once an AsyncLocalStorage has run, its promise hooks cost every request of the
   * process, guarded or not (docs/decisions.md); an app that takes the credential from `@Credential()` or
   * `ctx.state` only can turn this off, and `currentCredential()` then answers undefined.
   */
  currentCredential?: boolean;
  /** Clock in milliseconds since the epoch; default `Date.now`. */
  clock?: () => number;
}

/** One verification outcome, for audit logs and metrics. Never carries a secret or a signature. */
export interface AuditEvent {
  outcome: 'accepted' | 'refused';
  /** HTTP status of the answer: 200 when accepted (the action may still answer otherwise). */
  status: number;
  /** The OAuth `error` code of a refusal. */
  error?: string;
  method: string;
  path: string;
  /** Consumer key and token as the request claimed them (verified only when accepted). */
  clientId?: string;
  token?: string;
  signatureMethod?: string;
}

/** The authorization predicate of a route: may this verified caller do this? */
export type Authorize = (credential: TokenCredential | Client, ctx: Context) => MaybePromise<boolean>;

/** What a route may set for itself over the protector's settings. */
export interface RouteOptions {
  realm?: string;
  signatureMethods?: readonly string[];
  /** Require `oauth_body_hash` on requests with a non-form body. */
  requireBodyHash?: boolean;
  /**
   * Accept consumer-only (two-legged) requests without `oauth_token`, signed with the client secret alone;
   * `@Credential()` then gives the client. A request that does carry a token is verified as usual.
   */
  twoLegged?: boolean;
  /** Scopes the credential must have been granted (403 `insufficient_scope` otherwise). */
  scopes?: readonly string[];
  /** Checked after a valid signature: false → 403 `access_denied`; a throw or timeout → 503. */
  authorize?: Authorize | readonly Authorize[];
}

/**
 * Lays `inner` (a method's options) over `outer` (its class's): settings are replaced, while scopes and
 * authorization predicates add up, so a method can only narrow who may call it.
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

interface Settings<C extends Client, T extends TokenCredential> {
  options: ResourceProtectorOptions<C, T>;
  /** The application's stores under the store-fault rule, built once. */
  stores: VerifyStores<C, T>;
  signatureMethods: readonly string[];
  realm: string;
  window: number;
  storeTimeoutMs: number;
  limits: Limits;
  clock: () => number;
}

/**
 * Verifies OAuth 1.0a requests against the application's stores. Register it in the container that
 * routing-controllers uses (`Container.set(ResourceProtector, new ResourceProtector({...}))`), or create
 * it empty and call `init()` later, like Authlib's `init_app`.
 */
export class ResourceProtector<C extends Client = Client, T extends TokenCredential = TokenCredential> {
  private settings?: Settings<C, T>;

  constructor(options?: ResourceProtectorOptions<C, T>) {
    if (options) this.init(options);
  }

  init(options: ResourceProtectorOptions<C, T>): this {
    const ms = options.storeTimeoutMs ?? 1000;
    this.settings = {
      options,
      stores: {
        queryClient: (clientId) => storeCall(ms, () => options.queryClient(clientId)),
        queryToken: (clientId, token) => storeCall(ms, () => options.queryToken(clientId, token)),
        existsNonce: (nonce, timestamp, clientId, token) =>
          storeCall(ms, () => options.existsNonce(nonce, timestamp, clientId, token)),
      },
      signatureMethods: options.signatureMethods ?? ['HMAC-SHA1'],
      realm: options.realm ?? '',
      window: options.timestampWindowSeconds ?? 300,
      storeTimeoutMs: ms,
      limits: { ...DEFAULT_LIMITS, ...options.limits },
      clock: options.clock ?? Date.now,
    };
    if (options.debugSignatures) {
      console.warn(
        'routing-controllers-oauth1: refused signatures are logged with their base strings (debugSignatures).',
      );
    }
    if (options.allowInsecureTransport) {
      console.warn('routing-controllers-oauth1: plain http is allowed (development transport mode).');
    }
    return this;
  }

  get realm(): string {
    return this.settings?.realm ?? '';
  }

  get limits(): Readonly<Limits> {
    return this.settings?.limits ?? DEFAULT_LIMITS;
  }

  /** Logs a refused signature's report when `debugSignatures` is on. */
  debugSignature(report: SignatureReport): void {
    const debug = this.settings?.options.debugSignatures;
    try {
      if (typeof debug === 'function') debug(report);
      else if (debug) console.warn(`routing-controllers-oauth1: signature refused\n${formatSignatureReport(report)}`);
    } catch {
      // A diagnosis aid must never change the answer.
    }
  }

  /** Whether guarded requests are to be seen by `currentCredential()`. */
  get providesCurrentCredential(): boolean {
    return this.settings?.options.currentCredential ?? true;
  }

  /** Whether an `audit` hook is set (so that no event is built for nobody). */
  get audited(): boolean {
    return this.settings?.options.audit !== undefined;
  }

  /** Hands an outcome to the `audit` hook, if any. */
  record(event: AuditEvent): void {
    try {
      this.settings?.options.audit?.(event);
    } catch {
      // An audit hook must not turn a verified request into an error, nor a refusal into a 500.
    }
  }

  /**
   * What a verified caller may do on this route: its granted scopes must include the route's (from the
   * protector's `getScopes`, else the credential's `getScopes()`), then every `authorize` predicate
   * must answer true. Scope and predicate lookups follow the store-fault rule (503). Answers at once
   * when the route has no rules or its lookups answer synchronously.
   */
  checkAccess(verified: VerifiedRequest<C, T>, route: RouteOptions, ctx: Context): MaybePromise<void> {
    if (!route.scopes?.length && !route.authorize) return;
    return mapErrors(
      () => this.checkScopesAndRules(verified.credential, route, ctx),
      // The caller is proven here: its refusal names it.
      (error) =>
        error instanceof OAuthError
          ? Object.assign(error, { clientId: verified.clientId, token: verified.token })
          : error,
    );
  }

  private checkScopesAndRules(credential: T | C, route: RouteOptions, ctx: Context): MaybePromise<void> {
    const ms = this.settings?.storeTimeoutMs ?? 1000;
    const predicates = [route.authorize ?? []].flat();
    const next = (at: number): MaybePromise<void> => {
      if (at === predicates.length) return;
      return andThen(
        storeCall(ms, () => predicates[at](credential, ctx)),
        (allowed) => {
          if (!allowed) throw new AccessDeniedError();
          return next(at + 1);
        },
      );
    };
    if (!route.scopes?.length) return next(0);
    const required = route.scopes;
    const lookup = this.settings?.options.getScopes;
    const granted = storeCall(ms, () =>
      lookup ? lookup(credential) : ((credential as Partial<ScopedCredential>).getScopes?.() ?? []),
    );
    return andThen(granted, (scopes) => {
      const missing = required.filter((scope) => !scopes.includes(scope));
      if (missing.length) throw new InsufficientScopeError(required, missing);
      return next(0);
    });
  }

  /** Verifies one request; resolves with the client and credential, or rejects with an `OAuthError`. */
  verify(request: OAuthRequest, route: RouteOptions = {}): Promise<VerifiedRequest<C, T>> {
    try {
      return Promise.resolve(this.verifyNow(request, route));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * `verify()` without a promise when every store answers synchronously (the Koa guard's path): the
   * verified request, or an `OAuthError` thrown; a promise when a store answered with one.
   */
  verifyNow(request: OAuthRequest, route: RouteOptions = {}): MaybePromise<VerifiedRequest<C, T>> {
    const s = this.settings;
    if (!s) throw new Error('ResourceProtector used before init(): pass its options to the constructor or init().');
    const policy: VerifyPolicy = {
      signatureMethods: route.signatureMethods ?? s.signatureMethods,
      timestampWindowSeconds: s.window,
      nowSeconds: Math.floor(s.clock() / 1000),
      allowInsecureTransport: s.options.allowInsecureTransport ?? false,
      requireBodyHash: route.requireBodyHash ?? false,
      twoLegged: route.twoLegged ?? s.options.twoLegged ?? false,
      limits: s.limits,
    };
    return verifyRequest(request, policy, s.stores);
  }
}
