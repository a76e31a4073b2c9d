/**
 * How a protector's, a cache's and a checker's options are read and checked (review r5): `null` for an optional hook
 * is none, as it was before the checks; a setting an options object inherits (a getter of its class) is read, and a
 * misspelt one it inherits refused, as the stores and hooks are read from the same object; a checker's options are
 * checked as a protector's; a message never shows text given where an object belongs (it may hold a password).
 */
import {
  MemoryNonceCache,
  oauthAuthorizationChecker,
  oauthCurrentUserChecker,
  RedisNonceCache,
  ResourceProtector,
  type ResourceProtectorOptions,
} from '../../src';
import { oauthBodyParser as koaBodyParser, requireOAuth as koaRequireOAuth } from '../../src/koa';

const stores = { queryClient: () => undefined, queryToken: () => undefined };
const make = (options: object) =>
  new ResourceProtector({ ...stores, nonceCache: new MemoryNonceCache(), ...options } as ResourceProtectorOptions);

describe('an optional hook given as null is none', () => {
  it('audit, getScopes, renderRefusal and debugSignatures', () => {
    // `audit: logger ?? null`: accepted before the checks (each hook is called when truthy), refused by them.
    expect(() => make({ audit: null, getScopes: null, renderRefusal: null, debugSignatures: null })).not.toThrow();
  });
  it('but not a required store', () => {
    expect(() => make({ queryClient: null })).toThrow(/queryClient must be a function, not null/);
  });
});

describe('options an object inherits', () => {
  class Config {
    readonly nonceCache = new MemoryNonceCache();
    get realm() {
      return 'partners';
    }
    get requireTimestampAndNonce() {
      return true;
    }
    get limits() {
      return { body: 1024 };
    }
    queryClient() {
      return undefined;
    }
    queryToken() {
      return undefined;
    }
  }

  it('are read as the stores are: a class with getters', () => {
    // The stores and `limits` were read from the prototype, the other settings silently left at their defaults.
    const { settings } = new ResourceProtector(new Config() as unknown as ResourceProtectorOptions);
    expect([settings.realm, settings.requireTimestampAndNonce, settings.limits.body]).toEqual(['partners', true, 1024]);
  });

  it('are refused when misspelt: a prototype made with Object.create()', () => {
    const options = Object.assign(Object.create({ timestampWindow: 60 }) as object, stores, {
      nonceCache: new MemoryNonceCache(),
    });
    expect(() => new ResourceProtector(options as ResourceProtectorOptions)).toThrow(
      /Unknown option "timestampWindow"/,
    );
  });
});

describe("a checker's options are checked when it is made", () => {
  class Partners extends ResourceProtector {}
  it('a misspelt name, or the protector given for the options, would check with the default protector', () => {
    expect(() => oauthAuthorizationChecker({ protecter: Partners } as never)).toThrow(/Unknown .*option "protecter"/);
    expect(() => oauthAuthorizationChecker(Partners as never)).toThrow(/must be an object/);
    expect(() => oauthCurrentUserChecker(undefined, { protecter: Partners } as never)).toThrow(/"protecter"/);
    expect(() => oauthCurrentUserChecker({ protector: Partners } as never)).toThrow(/takes a function first/);
    expect(() => oauthAuthorizationChecker({ protector: Partners })).not.toThrow();
    expect(() => oauthCurrentUserChecker(undefined, { protector: Partners })).not.toThrow();
  });
});

describe('a message does not show text given where options belong', () => {
  const url = 'redis://:s3cret@cache.example:6379';
  it.each<[string, () => unknown]>([
    ['MemoryNonceCache(url)', () => new MemoryNonceCache(url as never)],
    ['RedisNonceCache(client, url)', () => new RedisNonceCache({ evalsha() {} } as never, url as never)],
    ['publicBaseUrl with userinfo', () => make({ publicBaseUrl: 'https://user:s3cret@api.example' })],
  ])('%s', (_what, build) => {
    expect(build).toThrow(TypeError);
    expect(build).not.toThrow(/s3cret/);
  });
});

describe('the checks of 4767170 that no spec pinned (mutants that survived)', () => {
  const method = { keyType: 'secret', bodyHashDigest: 'sha1', sign: () => '', verify: () => false };
  it.each([
    ['a key type that is none', { ...method, keyType: 'hmac' }],
    ['a body-hash digest that is none', { ...method, bodyHashDigest: 'md5' }],
  ])('a custom signature method with %s', (_what, custom) => {
    expect(() => make({ customSignatureMethods: { 'MY-HMAC': custom } })).toThrow(
      /customSignatureMethods\["MY-HMAC"\] is no signature method/,
    );
    expect(() => make({ customSignatureMethods: { 'MY-HMAC': method } })).not.toThrow();
  });

  it('an existsNonce that is no function', () => {
    const options = { ...stores, existsNonce: 'SELECT 1' };
    expect(() => new ResourceProtector(options as never)).toThrow(/existsNonce must be a function, not string/);
  });

  it("a middleware's protector needs refusalOf() as well as guard()", () => {
    expect(() => koaBodyParser({ guard() {}, limits: {} } as never)).toThrow(/takes a ResourceProtector/);
  });

  it('a name of no option given as undefined is no entry, as an option given so keeps its default', () => {
    expect(() => make({ timestampWindow: undefined })).not.toThrow();
    expect(() => koaRequireOAuth(make({}), { scope: undefined } as never)).not.toThrow();
  });
});
