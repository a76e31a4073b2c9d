/**
 * Every setting of a protector and its default, in one place. Whatever depends on a setting (the nonce
 * lifetime on the window and clock, the body parser's limit, each store call's timeout) reads it from the
 * protector's resolved settings: nothing restates a default.
 */
import type { PublicBase } from '../http/http-request';
import type { ParameterLimits } from '../rfc5849/parameter-sources';
import type { SignatureMethod } from '../rfc5849/signature-method';
import { signatureMethodTable } from '../rfc5849/signature-methods';

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

/** The settings a protector's options may leave out, and their defaults. */
export interface TunableSettings {
  /** Signature methods accepted, by name; default `['HMAC-SHA1']`, as Authlib. */
  signatureMethods: readonly string[];
  /** Realm named in every challenge; default `''`. */
  realm: string;
  /** Accepted clock skew on both sides, in seconds; default 300. Nonces are kept as long as it needs. */
  timestampWindowSeconds: number;
  /** Accept two-legged requests on every route (a route may say otherwise); default false. */
  twoLegged: boolean;
  /**
   * Require `oauth_timestamp` and `oauth_nonce` on PLAINTEXT requests too; default false, as RFC 5849 §3.1
   * lets PLAINTEXT omit them (such a request has no nonce to record, so it can be replayed).
   */
  requireTimestampAndNonce: boolean;
  /** Development switch: accept plain http (Authlib: `AUTHLIB_INSECURE_TRANSPORT`). Default false. */
  allowInsecureTransport: boolean;
  /** Longest a store call (and an access rule) may take before it counts as a fault (503); default 1000 ms. */
  storeTimeoutMs: number;
  /**
   * Whether guarded requests run inside the AsyncLocalStorage that `currentCredential()` reads; default
   * true. On Node 20, once an AsyncLocalStorage has run, its promise hooks cost every request of the
   * process, guarded or not (docs/decisions.md); an app that takes the credential from `@Credential()`
   * only can turn this off, and `currentCredential()` then answers undefined.
   */
  currentCredential: boolean;
  /** Clock in milliseconds since the epoch; default `Date.now`. The nonce stores follow it too. */
  clock: () => number;
  /**
   * The public URL the API is served under, when a proxy rewrites paths or sends no X-Forwarded-* headers
   * (e.g. `https://api.example.com/v1`): every base string URI is this URL's scheme, host and path followed
   * by the request's path, and the request counts as arriving over its scheme. Default: none (the URL comes
   * from the request).
   */
  publicBaseUrl: string | undefined;
  /** Also leave the credential where each framework's convention puts the user: Koa's `ctx.state.user`,
   *  Express's `req.user`. Default false. */
  mirrorUser: boolean;
}

export const DEFAULTS: Readonly<TunableSettings> = Object.freeze({
  signatureMethods: ['HMAC-SHA1'],
  realm: '',
  timestampWindowSeconds: 300,
  twoLegged: false,
  requireTimestampAndNonce: false,
  allowInsecureTransport: false,
  storeTimeoutMs: 1000,
  currentCredential: true,
  clock: () => Date.now(),
  publicBaseUrl: undefined,
  mirrorUser: false,
});

export interface Settings extends TunableSettings {
  limits: Readonly<Limits>;
  /** This protector's signature methods by name: the standard ones and its own. */
  methodTable: ReadonlyMap<string, SignatureMethod>;
  /** `publicBaseUrl` taken apart once, for every request to use. */
  publicBase: PublicBase | undefined;
}

export interface SettingOptions extends Partial<TunableSettings> {
  limits?: Partial<Limits>;
  /** Signature methods of this protector's own, by name (enable them in `signatureMethods` too). */
  customSignatureMethods?: Readonly<Record<string, SignatureMethod>>;
}

/** The options laid over the defaults; a `publicBaseUrl` that is not an http(s) URL without query is refused. */
export function resolveSettings(options: SettingOptions): Readonly<Settings> {
  const publicBase = options.publicBaseUrl === undefined ? undefined : readPublicBaseUrl(options.publicBaseUrl);
  const given = Object.keys(DEFAULTS).filter((key) => options[key as keyof TunableSettings] !== undefined);
  return Object.freeze({
    ...DEFAULTS,
    ...Object.fromEntries(given.map((key) => [key, options[key as keyof TunableSettings]])),
    limits: Object.freeze({ ...DEFAULT_LIMITS, ...options.limits }),
    methodTable: signatureMethodTable(options.customSignatureMethods),
    publicBase,
  });
}

function readPublicBaseUrl(value: string): PublicBase {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || url.password) {
    throw new TypeError(`publicBaseUrl must be an http(s) URL without query, fragment or userinfo: ${value}`);
  }
  return Object.freeze({
    scheme: url.protocol === 'https:' ? 'https' : 'http',
    host: url.host,
    path: url.pathname.replace(/\/$/, ''),
  });
}
