import { validateHeaderValue } from 'node:http';
import {
  InvalidSignatureError,
  MemoryNonceCache,
  RequireOAuth,
  ResourceProtector,
  type ResourceProtectorOptions,
} from '../../src';
import { requireOAuth as expressRequireOAuth } from '../../src/express';
import { requireOAuth as koaRequireOAuth } from '../../src/koa';
import { errorResponse } from '../../src/protector/error-response';
import { DEFAULT_LIMITS, DEFAULTS } from '../../src/protector/settings';

/** The challenge a refusal carries under this realm, as Node would check it before sending. */
const sendableChallenge = (realm: string) => {
  const challenge = errorResponse(new InvalidSignatureError(), realm).headers['WWW-Authenticate'];
  validateHeaderValue('WWW-Authenticate', challenge);
  return challenge;
};

const stores = { queryClient: () => undefined, queryToken: () => undefined };
const protectorWith = (options: Partial<ResourceProtectorOptions>) =>
  new ResourceProtector({ ...stores, nonceCache: new MemoryNonceCache(), ...options } as ResourceProtectorOptions);

describe('a setting given as undefined keeps its default', () => {
  it('at the top level and inside limits', () => {
    const { settings } = protectorWith({
      timestampWindowSeconds: undefined,
      realm: undefined,
      limits: { body: undefined, parameters: undefined, authorizationHeader: 100 },
    });
    expect(settings.timestampWindowSeconds).toBe(DEFAULTS.timestampWindowSeconds);
    expect(settings.realm).toBe(DEFAULTS.realm);
    expect(settings.limits).toEqual({ ...DEFAULT_LIMITS, authorizationHeader: 100 });
  });
});

describe('a setting that would not mean what it says is refused at construction', () => {
  // Each of these would otherwise switch a limit off (NaN and undefined compare false with everything), make
  // every refusal a 500 (a realm Node will not put in a header) or refuse every request (an unknown method).
  it.each<[string, Partial<ResourceProtectorOptions>, RegExp]>([
    ['a NaN parameters limit', { limits: { parameters: NaN } }, /limits\.parameters must be a whole number/],
    ['a negative body limit', { limits: { body: -1 } }, /limits\.body must be a whole number from 0/],
    ['an infinite header limit', { limits: { authorizationHeader: Infinity } }, /limits\.authorizationHeader/],
    ['a fractional credential length', { limits: { credentialLength: 2.5 } }, /limits\.credentialLength/],
    ['a zero parameters limit', { limits: { parameters: 0 } }, /limits\.parameters must be a whole number from 1/],
    ['a zero JSON depth', { limits: { jsonDepth: 0 } }, /limits\.jsonDepth must be a whole number from 1/],
    ['a limit given as text', { limits: { body: '1mb' as unknown as number } }, /limits\.body/],
    ['a zero window', { timestampWindowSeconds: 0 }, /timestampWindowSeconds/],
    ['a NaN store timeout', { storeTimeoutMs: NaN }, /storeTimeoutMs/],
    [
      'a store timeout Node cannot time',
      { storeTimeoutMs: 2 ** 31 },
      /storeTimeoutMs must be a whole number from 1 to 2147483647/,
    ],
    ['a clock that is not a function', { clock: 0 as unknown as () => number }, /clock must be a function/],
    ['a realm with a line break', { realm: 'a\r\nSet-Cookie: x=1' }, /realm/],
    ['a realm beyond Latin-1', { realm: 'café ☕' }, /realm/],
    ['no signature method', { signatureMethods: [] }, /at least one method/],
    [
      'a misspelt signature method',
      { signatureMethods: ['HMAC-SHA1', 'hmac-sha256'] },
      /Unknown signature method "hmac-sha256"; known: HMAC-SHA1,/,
    ],
  ])('%s', (_what, options, message) => {
    expect(() => protectorWith(options)).toThrow(TypeError);
    expect(() => protectorWith(options)).toThrow(message);
  });

  it('the edges themselves are accepted', () => {
    const { settings } = protectorWith({
      limits: { body: 0, parameters: 1, credentialLength: 1, authorizationHeader: 1 },
      timestampWindowSeconds: 1,
      storeTimeoutMs: 2 ** 31 - 1,
      realm: 'Photos & more\t(Zürich), "quoted" \\ too',
      signatureMethods: ['HMAC-SHA256', 'MY-HMAC'],
      customSignatureMethods: {
        'MY-HMAC': { keyType: 'secret', bodyHashDigest: 'sha1', sign: () => '', verify: () => false },
      },
    });
    expect(sendableChallenge(settings.realm)).toMatch(
      /^OAuth realm="Photos & more\t\(Zürich\), \\"quoted\\" \\\\ too"/,
    );
    expect(() => sendableChallenge('a\r\nSet-Cookie: x=1')).toThrow(); // why such a realm is refused
    expect(settings.limits.body).toBe(0);
    expect(settings.storeTimeoutMs).toBe(2 ** 31 - 1);
    expect([...settings.methodTable.keys()]).toContain('MY-HMAC');
  });
});

describe("a route's realm is checked where the route is declared", () => {
  it.each([
    ['@RequireOAuth()', (realm: string) => RequireOAuth({ realm })],
    ['Koa requireOAuth()', (realm: string) => koaRequireOAuth(protectorWith({}), { realm })],
    ['Express requireOAuth()', (realm: string) => expressRequireOAuth(protectorWith({}), { realm })],
  ])('%s', (_where, declare) => {
    expect(() => declare('line\nbreak')).toThrow(/realm/);
    expect(() => declare('fine realm')).not.toThrow();
  });
});
