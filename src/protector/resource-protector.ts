/**
 * The protector: a typedi service that owns every setting and the application's stores, verifies requests
 * as an adapter has read them, and applies each route's access rules. It knows no web framework.
 */
import type { Client, TokenCredential } from '../rfc5849/credentials';
import { recover, type MaybePromise } from '../rfc5849/maybe-promise';
import { OAuthError, TemporarilyUnavailableError } from '../rfc5849/errors';
import type { SignatureMethod } from '../rfc5849/signature-method';
import { nonceLifetimeSeconds } from '../rfc5849/timestamp-nonce';
import {
  verifyRequest,
  type OAuthRequest,
  type VerifiedRequest,
  type VerifyPolicy,
  type VerifyStores,
} from '../rfc5849/verify-request';
import type { BodyShape } from '../http/body-value';
import type { AdapterRequest } from './adapter-request';
import { accessRequest, checkAccess, type AccessRequest, type AccessRules } from './access';
import type { AuditEvent, DebugSignatures } from './audit';
import { verifiedRequests } from './current-credential';
import { createExistsNonce, nonceStoreOf, type ExistsNonce } from './exists-nonce';
import type { NonceCache } from './nonce-cache';
import { routeSwitch, type RouteOptions } from './route-options';
import {
  checkNames,
  checkSignatureMethods,
  resolveSettings,
  SETTING_OPTION_NAMES,
  type Limits,
  type SettingOptions,
  type Settings,
} from './settings';
import { errorResponse } from './error-response';
import { guardRequest, reportRefusal, type GuardContext, type GuardedRequest } from './guard-request';
import { withResponse, type RenderRefusal } from './refusal';
import { BOOLEAN, MODEL, StoreCalls } from './store-call';

/** Where nonces are kept: a cache (the protector derives keys and lifetimes), or a function of your own. */
export type NonceStoreOptions =
  { nonceCache: NonceCache; existsNonce?: never } | { existsNonce: ExistsNonce; nonceCache?: never };

export type ResourceProtectorOptions<
  C extends Client = Client,
  T extends TokenCredential = TokenCredential,
> = SettingOptions &
  NonceStoreOptions & {
    /** Finds a client by consumer key (Authlib: `query_client`). */
    queryClient: (clientId: string) => MaybePromise<C | undefined | null>;
    /** Finds a token credential issued to this client (Authlib: `query_token`). */
    queryToken: (clientId: string, token: string) => MaybePromise<T | undefined | null>;
    /**
     * Development aid: when a signature is refused, log (server side only, never in a response) the base
     * string and normalized parameters the server computed, the URI it used, and hints for the usual
     * mistakes. `true` logs with console.warn; a function receives the report. Off by default.
     */
    debugSignatures?: DebugSignatures;
    /** Granted scopes of a credential, for models that do not say themselves: given, it answers for every credential. */
    getScopes?(credential: T | C): MaybePromise<readonly string[]>;
    /** Called on every request a guard accepts or refuses, for audit logs and metrics. */
    audit?: (event: AuditEvent) => void;
    /**
     * Renders refusals the application's way (a redirect back to an LTI platform, a page for browsers):
     * called with the error, the contract's response and the request as read; `undefined` keeps the contract's.
     */
    renderRefusal?: RenderRefusal;
  };

export type { GuardedRequest } from './guard-request';

interface Configured<C extends Client, T extends TokenCredential> {
  options: ResourceProtectorOptions<C, T>;
  settings: Readonly<Settings>;
  /** The application's stores under the store-fault rule, built once. */
  stores: VerifyStores<C, T>;
  /** What the guard needs of this protector, built once. */
  guardContext: GuardContext<C, T>;
  /** The enabled signature methods of a route that names none, built once. */
  methods: ReadonlyMap<string, SignatureMethod>;
  /** Those of each route's own `signatureMethods` list, with the names they were found for. */
  routeMethods: WeakMap<readonly string[], { names: readonly string[]; methods: ReadonlyMap<string, SignatureMethod> }>;
  /** The clock in whole seconds, never before its nonce store's: for the window and again where a nonce is recorded. */
  clockSeconds: () => number;
  /** Seconds a nonce is kept past its window: a store's answer may land up to `storeTimeoutMs` late. */
  nonceMarginSeconds: number;
  /** The calls of the access rules (scopes, `authorize`) under the store-fault rule. */
  accessCalls: StoreCalls;
}

const UNCONFIGURED = resolveSettings({});
const UNCONFIGURED_CALLS = new StoreCalls(UNCONFIGURED.storeTimeoutMs, UNCONFIGURED.limits.storeCallsWaiting);

/**
 * What the process knows of each nonce store (the cache, or the application's `existsNonce`), shared by every protector
 * that records in it (docs/decisions.md, "The clock never goes back"):
 * - `seconds`: the latest second handed to it with a nonce. It forgets a nonce once the nonce's timestamp has left the
 *   window by the seconds it was handed, so no window on it may start before that one's, whatever a clock reads.
 * - `keptSeconds`: how long past its timestamp its protectors keep a nonce (the window, a second and the store
 *   timeout): one keeping them shorter would leave replays of its requests open to another's window.
 */
interface NonceStoreRecord {
  seconds: number;
  readonly keptSeconds: number;
}
const nonceStores = new WeakMap<object, NonceStoreRecord>();

function nonceStoreRecord(store: object, keptSeconds: number): NonceStoreRecord {
  let record = nonceStores.get(store);
  if (record === undefined) nonceStores.set(store, (record = { seconds: 0, keptSeconds }));
  if (record.keptSeconds !== keptSeconds) {
    throw new TypeError(
      `This protector keeps a nonce ${keptSeconds} s past its timestamp, another on the same nonce store ` +
        `${record.keptSeconds} s: protectors sharing a nonce store need the same timestampWindowSeconds and ` +
        'storeTimeoutMs, or the shorter lifetime lets the longer window accept replays.',
    );
  }
  return record;
}

/**
 * `clock` in whole seconds, never earlier than the second its nonce store was last handed: a clock stepped back, or
 * another protector's clock behind, must not let in again a timestamp whose nonce the store has forgotten. A clock that
 * throws or answers no finite number is a fault of the application's, as a store's is: 503.
 */
function nowSecondsBy(clock: () => number, store: NonceStoreRecord): () => number {
  return () => {
    let seconds: number;
    try {
      seconds = Math.floor(clock() / 1000);
    } catch (error) {
      throw new TemporarilyUnavailableError({ cause: error });
    }
    if (!Number.isFinite(seconds)) {
      throw new TemporarilyUnavailableError({ cause: new TypeError('The clock answered no finite number.') });
    }
    return seconds > store.seconds ? seconds : store.seconds;
  };
}

/**
 * The options that are no settings: the stores and the hooks, named once for the type that owns them (a name added to
 * `ResourceProtectorOptions` and not here fails to compile, rather than being refused as unknown at run time).
 */
const STORES_AND_HOOKS = {
  queryClient: true,
  queryToken: true,
  nonceCache: true,
  existsNonce: true,
  debugSignatures: true,
  getScopes: true,
  audit: true,
  renderRefusal: true,
} as const satisfies Record<Exclude<keyof ResourceProtectorOptions, keyof SettingOptions>, true>;
type StoreOrHook = keyof typeof STORES_AND_HOOKS;
const OPTION_NAMES: readonly string[] = [...SETTING_OPTION_NAMES, ...Object.keys(STORES_AND_HOOKS)];

const kindOf = (value: unknown): string => (value === null ? 'null' : typeof value);

/**
 * The options that are not settings, checked as the settings are (docs/decisions.md): a misspelt name, a store that is
 * not a function, a nonce cache without `setIfAbsent()`, a hook that is not a function (it failed on every request
 * later, or was ignored without a word), `debugSignatures` as text (`'false'` from an environment variable logged every
 * refused signature's base string). An optional hook given as `null` is none, as it always was.
 */
function checkOptions(options: ResourceProtectorOptions<Client, TokenCredential>): void {
  checkNames('option', options, OPTION_NAMES);
  const given = options as unknown as Record<StoreOrHook, unknown>;
  const mustBeFunction = (name: StoreOrHook, required: boolean) => {
    const value = given[name];
    if ((required || value != null) && typeof value !== 'function') {
      throw new TypeError(`${name} must be a function, not ${kindOf(value)}.`);
    }
  };
  mustBeFunction('queryClient', true);
  mustBeFunction('queryToken', true);
  for (const name of ['getScopes', 'audit', 'renderRefusal'] as const) mustBeFunction(name, false);
  if (given.existsNonce !== undefined) mustBeFunction('existsNonce', true);
  const cache = given.nonceCache as { setIfAbsent?: unknown } | null | undefined;
  if (cache !== undefined && typeof cache?.setIfAbsent !== 'function') {
    throw new TypeError('nonceCache must be a NonceCache, with a setIfAbsent(key, ttlSeconds, nowSeconds) method.');
  }
  const debug = given.debugSignatures;
  if (debug != null && typeof debug !== 'boolean' && typeof debug !== 'function') {
    throw new TypeError(`debugSignatures must be true, false or a function, not ${kindOf(debug)}.`);
  }
}

/**
 * What a middleware is given as its protector is one (by its methods: a second copy of the library in node_modules makes
 * another class): `oauthBodyParser()` and `oauthBodyParser({ limit })`, 0.1's forms, mounted without a word and then
 * answered every request with a body 500, the limit's owner missing.
 */
export function checkProtector(protector: unknown, where: string): void {
  const p = protector as { guard?: unknown; refusalOf?: unknown } | null | undefined;
  if (typeof p?.guard !== 'function' || typeof p.refusalOf !== 'function') {
    throw new TypeError(`${where} takes a ResourceProtector, whose settings it reads (limits.body among them).`);
  }
}

const sameNames = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((name, i) => name === b[i]);

/**
 * The methods of `names`, by name: each must be in the protector's table (a `TypeError` otherwise, as at
 * `init()`), so that a misspelt name on a route is not a route that refuses every request as unsupported.
 */
function enabledMethods(names: readonly string[], settings: Readonly<Settings>): ReadonlyMap<string, SignatureMethod> {
  checkSignatureMethods(names, settings.methodTable);
  return new Map(names.map((name) => [name, settings.methodTable.get(name) as SignatureMethod]));
}

/**
 * Verifies OAuth 1.0a requests against the application's stores. Register it in the container that
 * routing-controllers uses (`Container.set(ResourceProtector, new ResourceProtector({...}))`), or create
 * it empty and call `init()` later, like Authlib's `init_app`.
 */
export class ResourceProtector<C extends Client = Client, T extends TokenCredential = TokenCredential> {
  #configured?: Configured<C, T>;
  /**
   * The calls of the clients, tokens, nonces and access rules, kept across `init()` while their store is the same
   * (`queryClient`, `queryToken`, the nonce cache or `existsNonce`; the access rules' always): a store's calls still
   * waiting for its answer count against `limits.storeCallsWaiting` after a reconfiguration too (each `init()`
   * counted from 0), but not against a store that replaces it, which would otherwise be refused while they wait.
   */
  #calls?: { stores: readonly unknown[]; calls: readonly [StoreCalls, StoreCalls, StoreCalls]; access: StoreCalls };

  constructor(options?: ResourceProtectorOptions<C, T>) {
    if (options) this.init(options);
  }

  init(options: ResourceProtectorOptions<C, T>): this {
    if ((options.nonceCache === undefined) === (options.existsNonce === undefined)) {
      throw new TypeError('A ResourceProtector needs exactly one of nonceCache and existsNonce.');
    }
    checkOptions(options as unknown as ResourceProtectorOptions<Client, TokenCredential>);
    const settings = resolveSettings(options);
    const existsNonce = options.existsNonce ?? createExistsNonce(options.nonceCache as NonceCache);
    const ms = settings.storeTimeoutMs;
    const nonceMarginSeconds = Math.ceil(ms / 1000);
    // How long it keeps a nonce stamped now (the window, a second, the store timeout), from the lifetime's one owner.
    const keptSeconds = nonceLifetimeSeconds(0, 0, settings.timestampWindowSeconds) + nonceMarginSeconds;
    const store = nonceStoreRecord(nonceStoreOf(existsNonce), keptSeconds);
    const methods = enabledMethods(settings.signatureMethods, settings); // may throw: before the calls are reconfigured
    const stores = [options.queryClient, options.queryToken, options.nonceCache ?? options.existsNonce];
    const kept = this.#calls;
    const most = settings.limits.storeCallsWaiting;
    const calls = (i: number) =>
      kept !== undefined && kept.stores[i] === stores[i] ? kept.calls[i].configure(ms, most) : new StoreCalls(ms, most);
    const [clients, tokens, nonces] = [calls(0), calls(1), calls(2)] as const;
    const access = kept?.access.configure(ms, most) ?? new StoreCalls(ms, most);
    this.#calls = { stores, calls: [clients, tokens, nonces], access };
    this.#configured = {
      options,
      settings,
      methods,
      routeMethods: new WeakMap(),
      clockSeconds: nowSecondsBy(settings.clock, store),
      nonceMarginSeconds,
      accessCalls: access,
      guardContext: {
        settings,
        audit: options.audit,
        debugSignatures: options.debugSignatures,
        renderRefusal: options.renderRefusal,
        verify: (request, forRoute) => this.verifyNow(request, forRoute),
        checkAccess: (verified, forRoute, request) => this.checkAccess(verified, forRoute, request),
      },
      stores: {
        queryClient: (clientId, claimed) => clients.run(claimed, () => options.queryClient(clientId), MODEL),
        queryToken: (clientId, token, claimed) => tokens.run(claimed, () => options.queryToken(clientId, token), MODEL),
        existsNonce: (nonce, timestamp, clientId, token, lifetime, claimed) => {
          // Raised before the store is called: it may forget by this second before it answers.
          if (lifetime.nowSeconds > store.seconds) store.seconds = lifetime.nowSeconds;
          return nonces.run(claimed, () => existsNonce(nonce, timestamp, clientId, token, lifetime), BOOLEAN);
        },
      },
    };
    if (options.debugSignatures) {
      console.warn(
        typeof options.debugSignatures === 'function'
          ? 'routing-controllers-oauth1: refused signatures are reported with their base strings to debugSignatures.'
          : 'routing-controllers-oauth1: refused signatures are logged with their base strings (debugSignatures).',
      );
    }
    if (settings.allowInsecureTransport) {
      console.warn('routing-controllers-oauth1: plain http is allowed (development transport mode).');
    }
    return this;
  }

  /** Every setting, resolved: the one place each is read from. */
  get settings(): Readonly<Settings> {
    return this.#configured?.settings ?? UNCONFIGURED;
  }

  get realm(): string {
    return this.settings.realm;
  }

  get limits(): Readonly<Limits> {
    return this.settings.limits;
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
   * `verify()` without a promise when every store answers synchronously: the verified request, or an
   * `OAuthError` thrown; a promise when a store answered with one.
   */
  verifyNow(request: OAuthRequest, route: RouteOptions = {}): MaybePromise<VerifiedRequest<C, T>> {
    const configured = this.#configured;
    if (!configured)
      throw new Error(
        'ResourceProtector used before init(): pass its options to the constructor or init(). Under ' +
          'routing-controllers, a protector that was never configured is often one its default container made: call ' +
          'useContainer(Container) before the app is built, and Container.set(ResourceProtector, protector).',
      );
    const { settings } = configured;
    const policy: VerifyPolicy = {
      methods: this.#methodsOf(route, configured),
      twoLegged: routeSwitch(route, 'twoLegged', settings.twoLegged),
      baseString: route.baseString ?? settings.baseString,
      requireTimestampAndNonce: settings.requireTimestampAndNonce,
      credentialLength: settings.limits.credentialLength,
      timestampWindowSeconds: settings.timestampWindowSeconds,
      nowSeconds: configured.clockSeconds(),
      clockSeconds: configured.clockSeconds,
      nonceMarginSeconds: configured.nonceMarginSeconds,
      allowInsecureTransport: settings.allowInsecureTransport,
      limits: settings.limits,
    };
    // The models' own methods (getClientSecret(), getOAuthTokenSecret(), isRevoked(), ...) are the application's
    // code, as the stores are: what they throw is a store fault too (503, with it as the cause), never a 500.
    return recover(
      () => verifyRequest(request, policy, configured.stores),
      (error): never => {
        throw error instanceof OAuthError ? error : new TemporarilyUnavailableError({ cause: error });
      },
    );
  }

  /**
   * Found by the list they come from, not by the route object: a caller of `verify()` may pass a new route
   * object, or none, on every request, and each would otherwise build a table. A list changed since is read anew.
   */
  #methodsOf(route: RouteOptions, configured: Configured<C, T>): ReadonlyMap<string, SignatureMethod> {
    const names = route.signatureMethods;
    if (names == null) return configured.methods;
    const found = configured.routeMethods.get(names);
    if (found !== undefined && sameNames(found.names, names)) return found.methods;
    const methods = enabledMethods(names, configured.settings);
    configured.routeMethods.set(names, { names: [...names], methods });
    return methods;
  }

  /**
   * The one call an adapter makes for a guarded request (docs/architecture.md, src/protector/guard-request.ts):
   * the request read once, verified, its access rules applied. What the application may read, `undefined` on
   * an `optional` route for a request without credentials, or an `OAuthError` thrown or rejected.
   */
  guard(
    exchange: AdapterRequest,
    route: RouteOptions,
    bodyShape: BodyShape = 'any',
  ): MaybePromise<GuardedRequest<C, T> | undefined> {
    return guardRequest(this.#guardContext(), exchange, route, bodyShape);
  }

  /** The guard of a protector not yet configured: its verification says so. */
  #unconfiguredContext(): GuardContext<C, T> {
    return {
      settings: this.settings,
      verify: (request, forRoute) => this.verifyNow(request, forRoute),
      checkAccess: (verified, forRoute, request) => this.checkAccess(verified, forRoute, request),
    };
  }

  /**
   * A route's access rules (scopes, then `authorize` predicates) for a verified caller, under the store-fault
   * rule; at once when the route has none or its lookups answer synchronously.
   */
  checkAccess(verified: VerifiedRequest<C, T>, rules: AccessRules, request: AccessRequest): MaybePromise<void> {
    if (!rules.scopes?.length && !rules.authorize) return;
    const configured = this.#configured;
    const context = { calls: configured?.accessCalls ?? UNCONFIGURED_CALLS, getScopes: configured?.options.getScopes };
    // The caller is proven here: its refusal names it.
    return checkAccess(verified.credential, rules, request, context, verified);
  }

  /**
   * The access rules of a checker (`@Authorized('scope')`) for a request a guard already accepted: refused as the
   * guard refuses, audited and rendered (`renderRefusal`), with the router's parameters and the verified query.
   */
  checkGuardedAccess(exchange: AdapterRequest, guarded: GuardedRequest<C, T>, rules: RouteOptions): MaybePromise<void> {
    const access = accessRequest(guarded.request, exchange.params, guarded.query);
    return recover(
      () => this.checkAccess(guarded, rules, access),
      (error): never => {
        if (!(error instanceof OAuthError)) throw error;
        throw reportRefusal(this.#guardContext(), exchange, rules, error, guarded.request);
      },
    );
  }

  /**
   * A refusal made before any route was matched (`oauthBodyParser()`'s: a body over the limit, a malformed form):
   * given its response as the guard's are, the application's `renderRefusal` included; not audited.
   */
  refusalOf(error: OAuthError): OAuthError {
    const context = this.#guardContext();
    return withResponse({ error, response: errorResponse(error, this.realm) }, context.renderRefusal);
  }

  #guardContext(): GuardContext<C, T> {
    return this.#configured?.guardContext ?? this.#unconfiguredContext();
  }

  /** Runs `next` where `currentCredential()` finds this request's credential (unless switched off). */
  runWithCredential<R>(verified: VerifiedRequest<Client, TokenCredential>, next: () => R): R {
    return this.settings.currentCredential ? verifiedRequests.run(verified, next) : next();
  }
}
