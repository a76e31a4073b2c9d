/**
 * Every setting of a protector and its default, in one place. Whatever depends on a setting (the nonce
 * lifetime on the window and clock, the body parser's limit, each store call's timeout) reads it from the
 * protector's resolved settings: nothing restates a default.
 */
import { constants } from 'node:buffer';
import type { PublicBase } from '../http/http-request';
import { DIGEST_SIZES } from '../rfc5849/digest';
import type { ParameterLimits } from '../rfc5849/parameter-sources';
import { checkBaseString, type BaseStringRule } from '../rfc5849/signature';
import type { SignatureMethod } from '../rfc5849/signature-method';
import { signatureMethodTable } from '../rfc5849/signature-methods';

/** Every limit of a protector; each is configurable and documented in the README. */
export interface Limits extends ParameterLimits {
  /** Longest consumer key, token and nonce, in characters. */
  credentialLength: number;
  /** Largest request body, in bytes (413 above it). */
  body: number;
  /** Deepest nesting of arrays and objects in a JSON body. */
  jsonDepth: number;
  /**
   * Most calls of one store (clients, tokens, nonces, access rules) waiting for its answer at once, their requests'
   * timeouts passed or not; beyond it a call is a store fault at once (503). Bounds what a store that stops
   * answering can hold.
   */
  storeCallsWaiting: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  authorizationHeader: 8 * 1024,
  parameters: 2000,
  credentialLength: 255,
  body: 64 * 1024,
  jsonDepth: 64,
  storeCallsWaiting: 10_000,
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
   * The base string signatures are over: `'rfc5849'` (default), or `'mastercard'`, the one Mastercard's
   * signers make (their parameters joined unencoded, then encoded once), for an API that serves clients signing
   * with them; RFC clients' requests whose values hold reserved characters then fail there. A route may say
   * otherwise.
   */
  baseString: BaseStringRule;
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
  /**
   * Clock in milliseconds since the epoch; default `() => Date.now()`, which follows a `Date.now` replaced later (a
   * fake clock in tests). The nonce stores follow it too. One answering seconds since the epoch is refused when the
   * protector is made.
   */
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
  signatureMethods: Object.freeze(['HMAC-SHA1']),
  realm: '',
  timestampWindowSeconds: 300,
  twoLegged: false,
  baseString: 'rfc5849',
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

/** The names of the tunable settings and of the limits, read once from their defaults, their owners. */
const TUNABLE_NAMES: readonly string[] = Object.keys(DEFAULTS);
const LIMIT_NAMES: readonly string[] = Object.keys(DEFAULT_LIMITS);

/** The names of every setting option: the tunable settings' and the two that are not. */
export const SETTING_OPTION_NAMES: readonly string[] = [
  ...TUNABLE_NAMES,
  ...Object.keys({ limits: true, customSignatureMethods: true } satisfies Record<
    Exclude<keyof SettingOptions, keyof TunableSettings>,
    true
  >),
];

/**
 * The entries of `options` named in `names` that are not undefined: an option given as `undefined` keeps its default.
 * Each is read as a property, as the stores and hooks are, so that one an options object inherits (a getter of its
 * class, a prototype made with `Object.create()`) counts too, rather than its default being kept without a word.
 */
const given = <O extends object>(options: Partial<O> | null | undefined, names: readonly string[]): Partial<O> =>
  Object.fromEntries(
    names
      .map((name) => [name, (options as Record<string, unknown> | null | undefined)?.[name]])
      .filter(([, value]) => value !== undefined),
  ) as Partial<O>;

/**
 * The options laid over the defaults, each checked: a setting that would not mean what it says is a TypeError
 * here, not a surprise under load (docs/decisions.md).
 */
export function resolveSettings(options: SettingOptions): Readonly<Settings> {
  const { limits, customSignatureMethods } = options;
  checkNames('limits', limits, LIMIT_NAMES);
  checkCustomSignatureMethods(customSignatureMethods);
  const settings: Settings = {
    ...DEFAULTS,
    ...given<TunableSettings>(options, TUNABLE_NAMES),
    limits: Object.freeze({ ...DEFAULT_LIMITS, ...given<Limits>(limits, LIMIT_NAMES) }),
    methodTable: signatureMethodTable(customSignatureMethods),
    publicBase: options.publicBaseUrl === undefined ? undefined : readPublicBaseUrl(options.publicBaseUrl),
  };
  checkSettings(settings);
  // A copy: the list the protector enforces is the one its settings show, whatever becomes of the caller's array.
  settings.signatureMethods = Object.freeze([...settings.signatureMethods]);
  return Object.freeze(settings);
}

/** Node's timers take at most 2^31 − 1 ms; a longer timeout fires after 1 ms. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;
/**
 * A year: a timestamp further off than that is no timestamp check, and the nonces of a longer window would be kept
 * past what a nonce store can count (`MemoryNonceCache` holds expiry seconds up to 2106).
 */
const LONGEST_WINDOW_SECONDS = 365 * 24 * 60 * 60;

/**
 * The largest body: every body is kept as one Buffer, and a form or JSON body, and `oauthBodyParser()`'s
 * `rawBody` on Koa, is read as one string, which V8 makes at most 2^29 − 24 characters long (a longer one threw, a 500).
 */
const LARGEST_BODY = Math.min(constants.MAX_STRING_LENGTH, constants.MAX_LENGTH);

/** What an HTTP quoted-string may carry (RFC 9110 §5.6.4: tab, visible ASCII and space, obs-text). */
const QUOTABLE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A realm every challenge can carry (a route's own too): a line break in it would make each refusal a 500. */
export function checkRealm(realm: unknown): void {
  if (typeof realm !== 'string' || !QUOTABLE.test(realm)) {
    throw new TypeError('A realm is text without control characters (tab aside) or characters above U+00FF.');
  }
}

/** A setting that must be a whole number in [least, most]: NaN, Infinity or text would switch its limit off. */
export function wholeNumber(name: string, value: unknown, least: number, most: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < least || value > most) {
    throw new TypeError(`${name} must be a whole number from ${least} to ${most}, not ${shown(value)}.`);
  }
}

/** A value as a message shows it: text in quotes, so that "1000" is not read as the number 1000. */
export const shown = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/** The enumerable names of `options`, its own and those it inherits short of `Object.prototype`. */
function namesOf(options: object): Set<string> {
  const found = new Set<string>();
  for (let o: object | null = options; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object) {
    for (const name of Object.keys(o)) found.add(name);
  }
  return found;
}

/**
 * Refuses a name `options` has that is not among `names` (a misspelt `limits.maxBody` would otherwise leave the limit at
 * its default without a word), inherited ones too, as those are read (`given`); an entry given as `undefined` is no
 * entry, as everywhere. Text given for the object is not shown: it may be a URL with a password.
 */
export function checkNames(what: string, options: unknown, names: readonly string[]): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object') {
    throw new TypeError(`${what} must be an object, not ${typeof options === 'string' ? 'text' : shown(options)}.`);
  }
  const unknown = [...namesOf(options)]
    .filter((name) => (options as Record<string, unknown>)[name] !== undefined && !names.includes(name))
    .map((name) => JSON.stringify(name));
  if (unknown.length > 0) {
    throw new TypeError(`Unknown ${what} ${unknown.join(', ')}; known: ${names.join(', ')}.`);
  }
}

/** Each of a protector's own methods is a method: a key type, a body-hash digest, `sign()` and `verify()`. */
function checkCustomSignatureMethods(methods: unknown): void {
  if (methods === undefined) return;
  if (typeof methods !== 'object' || methods === null) throw new TypeError('customSignatureMethods must be an object.');
  for (const [name, method] of Object.entries(methods)) {
    const m = method as Partial<SignatureMethod> | null;
    if (
      typeof m !== 'object' ||
      m === null ||
      (m.keyType !== 'secret' && m.keyType !== 'rsa') ||
      typeof m.bodyHashDigest !== 'string' ||
      !Object.hasOwn(DIGEST_SIZES, m.bodyHashDigest) ||
      typeof m.sign !== 'function' ||
      typeof m.verify !== 'function'
    ) {
      throw new TypeError(
        `customSignatureMethods[${JSON.stringify(name)}] is no signature method: keyType 'secret' or 'rsa', ` +
          `bodyHashDigest one of ${Object.keys(DIGEST_SIZES).join(', ')}, sign() and verify().`,
      );
    }
  }
}

/**
 * An undefined, NaN or negative limit would otherwise switch its limit off (every comparison with it false), and a
 * misspelt signature method would refuse every request as unsupported.
 */
function checkSettings(settings: Settings): void {
  const { limits } = settings;
  for (const name of [
    'authorizationHeader',
    'parameters',
    'credentialLength',
    'jsonDepth',
    'storeCallsWaiting',
  ] as const) {
    wholeNumber(`limits.${name}`, limits[name], 1, Number.MAX_SAFE_INTEGER);
  }
  wholeNumber('limits.body', limits.body, 0, LARGEST_BODY);
  wholeNumber('timestampWindowSeconds', settings.timestampWindowSeconds, 1, LONGEST_WINDOW_SECONDS);
  wholeNumber('storeTimeoutMs', settings.storeTimeoutMs, 1, LONGEST_TIMER_MS);
  // Read as truthy otherwise: `allowInsecureTransport: 'false'` (an environment variable passed on) would allow http.
  for (const [name, fallback] of Object.entries(DEFAULTS)) {
    const value = settings[name as keyof TunableSettings];
    if (typeof fallback === 'boolean' && typeof value !== 'boolean') {
      throw new TypeError(`${name} must be true or false, not ${shown(value)}.`);
    }
  }
  if (typeof settings.clock !== 'function') throw new TypeError('clock must be a function answering milliseconds.');
  checkClockUnit(settings.clock);
  checkRealm(settings.realm);
  checkBaseString(settings.baseString);
  checkSignatureMethods(settings.signatureMethods, settings.methodTable);
}

/**
 * A clock answering seconds since the epoch (`Date.now() / 1000`) would put every timestamp outside the window, each
 * request a 401 naming a window in January 1970. No clock in milliseconds answers a reading from 10^9 to 10^11 (12
 * January 1970 to 3 March 1973), and every clock in seconds from 2001 to the year 5138 does: such a reading is refused
 * here. Smaller readings (a test's fake clock) are left alone, as is a clock that throws or answers no number (each
 * request's 503).
 */
function checkClockUnit(clock: () => number): void {
  let reading: unknown;
  try {
    reading = clock();
  } catch {
    return;
  }
  if (typeof reading === 'number' && reading >= 1e9 && reading < 1e11) {
    throw new TypeError(
      `clock answered ${reading}, seconds since the epoch; it must answer milliseconds, as Date.now() does.`,
    );
  }
}

/**
 * The names a protector or a route enables: at least one, each of them known to the protector's table (names are
 * case-sensitive).
 */
export function checkSignatureMethods(names: readonly string[], table: ReadonlyMap<string, SignatureMethod>): void {
  if (!Array.isArray(names) || names.length === 0)
    throw new TypeError('signatureMethods must name at least one method.');
  const unknown = names.filter((name) => !table.has(name));
  if (unknown.length > 0) {
    throw new TypeError(
      `Unknown signature method ${unknown.map((name) => JSON.stringify(name)).join(', ')}; known: ${[...table.keys()].join(', ')}.`,
    );
  }
}

function readPublicBaseUrl(value: string): PublicBase {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || url.password) {
    // Not shown: a URL with userinfo holds a password.
    throw new TypeError('publicBaseUrl must be an http(s) URL without query, fragment or userinfo.');
  }
  return Object.freeze({
    scheme: url.protocol === 'https:' ? 'https' : 'http',
    host: url.host,
    path: url.pathname.replace(/\/+$/, ''), // every trailing '/': the request's path brings its own
  });
}
