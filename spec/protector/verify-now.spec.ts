/**
 * Synchronous stores give a synchronous verification (no promise, no microtask on the guard's path);
 * asynchronous ones give a promise; either way refusals are the same OAuth errors naming the client.
 */
import Koa from 'koa';
import request from 'supertest';
import {
  createExistsNonce,
  InvalidClientError,
  InvalidSignatureError,
  MemoryNonceCache,
  requireOAuth,
  ResourceProtector,
  type OAuthRequest,
  type SignatureMethod,
} from '../../src';
import * as settingsModule from '../../src/protector/settings';
import { expectWarning, PLAIN_HTTP_NOTICE } from '../support/console';
import { client, token, WHO } from '../support/fixtures';
import { sign, type Identity } from '../support/sign';

const URL = 'https://api.example.com/items?limit=5';

function protector(async: boolean): ResourceProtector {
  const later = <T>(value: T): T | Promise<T> => (async ? Promise.resolve(value) : value);
  return new ResourceProtector({
    queryClient: (id) => later(id === 'ck' ? client : undefined),
    queryToken: (_id, t) => later(t === 'tk' ? token : undefined),
    existsNonce: createExistsNonce(new MemoryNonceCache()),
  });
}

function signed(who: Identity = WHO, tamper = false): OAuthRequest {
  const { header } = sign({ url: URL, who });
  return {
    method: 'GET',
    uri: 'https://api.example.com/items',
    secure: true,
    authorization: tamper ? header.replace('oauth_nonce="', 'oauth_nonce="x') : header,
    query: 'limit=5',
    body: Buffer.alloc(0),
  };
}

const isThenable = (value: unknown) => typeof (value as { then?: unknown } | null)?.then === 'function';

describe('ResourceProtector.verifyNow', () => {
  it('answers with the verified request itself when every store answers synchronously', () => {
    const verified = protector(false).verifyNow(signed());
    expect(isThenable(verified)).toBe(false);
    expect(verified).toMatchObject({ clientId: 'ck', token: 'tk', credential: token, signatureMethod: 'HMAC-SHA1' });
  });

  it('throws a refusal at once, naming the claimed client and token', () => {
    const p = protector(false);
    expect(() => p.verifyNow(signed(WHO, true))).toThrow(InvalidSignatureError);
    try {
      p.verifyNow(signed({ ...WHO, consumerKey: 'nobody' }));
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidClientError);
      expect(error).toMatchObject({ clientId: 'nobody', token: 'tk' });
    }
  });

  it('answers with a promise when a store does, and rejects with the same errors', async () => {
    const p = protector(true);
    const verified = p.verifyNow(signed());
    expect(isThenable(verified)).toBe(true);
    await expect(verified).resolves.toMatchObject({ clientId: 'ck', token: 'tk' });
    await expect(p.verifyNow(signed({ ...WHO, consumerKey: 'nobody' }))).rejects.toMatchObject({
      code: 'invalid_client',
      clientId: 'nobody',
    });
  });

  it('refuses a replay of a synchronously verified request', () => {
    const p = protector(false);
    const once = signed();
    p.verifyNow(once);
    expect(() => p.verifyNow(once)).toThrow(expect.objectContaining({ code: 'invalid_nonce' }));
  });
});

describe("a route's signature methods", () => {
  it('are found once per list: not again for each call without a route, or with a new route object', () => {
    const p = protector(false);
    // Each list is checked against the protector's (frozen) table when its methods are found.
    const lookups = jest.spyOn(settingsModule, 'checkSignatureMethods');
    const hmacOnly = ['HMAC-SHA1'];
    const calls = () => {
      p.verifyNow(signed());
      p.verifyNow(signed(), { twoLegged: false });
      p.verifyNow(signed(), { signatureMethods: hmacOnly });
    };
    calls();
    const first = lookups.mock.calls.length;
    expect(first).toBe(1); // the route's own list, the first time; the protector's list was found at init()
    calls();
    calls();
    expect(lookups).toHaveBeenCalledTimes(first);
    lookups.mockRestore();
  });

  it("are the route's own list when it has one, the protector's otherwise", () => {
    const p = protector(false);
    expect(() => p.verifyNow(signed(), { signatureMethods: ['PLAINTEXT'] })).toThrow(
      /signature method is not supported here/,
    );
    expect(p.verifyNow(signed(), { signatureMethods: ['PLAINTEXT', 'HMAC-SHA1'] })).toMatchObject({ clientId: 'ck' });
    expect(p.verifyNow(signed())).toMatchObject({ clientId: 'ck' });
  });
  it("of a route must each be in the protector's table: a TypeError on every request, not a refusal", async () => {
    const p = protector(false);
    const misspelt = ['HMAC-SHA1', 'hmac-sha256'];
    for (let i = 0; i < 2; i++) {
      expect(() => p.verifyNow(signed(), { signatureMethods: misspelt })).toThrow(
        new TypeError(
          'Unknown signature method "hmac-sha256"; known: HMAC-SHA1, HMAC-SHA256, HMAC-SHA512, RSA-SHA1, RSA-SHA256, ' +
            'RSA-SHA512, PLAINTEXT.',
        ),
      );
    }
    await expect(p.verify(signed(), { signatureMethods: ['HMAC-SHA-1'] })).rejects.toThrow(TypeError);
  });

  it("are read anew from a list changed since; a list of null, as none, is the protector's", () => {
    const p = protector(false);
    const allowed = ['HMAC-SHA1'];
    expect(p.verifyNow(signed(), { signatureMethods: allowed })).toMatchObject({ clientId: 'ck' });
    allowed[0] = 'PLAINTEXT';
    expect(() => p.verifyNow(signed(), { signatureMethods: allowed })).toThrow(/signature method is not supported/);
    expect(p.verifyNow(signed(), { signatureMethods: null as unknown as string[] })).toMatchObject({ clientId: 'ck' });
  });

  it('are found again in the table of each configuration, init() after init()', () => {
    const refuseAll: SignatureMethod = {
      keyType: 'secret',
      bodyHashDigest: 'sha1',
      sign: () => '',
      verify: () => false,
    };
    const stores = { queryClient: () => client, queryToken: () => token, existsNonce: () => false };
    const p = new ResourceProtector({ ...stores, customSignatureMethods: { 'HMAC-SHA1': refuseAll } });
    const list = ['HMAC-SHA1'];
    expect(() => p.verifyNow(signed(), { signatureMethods: list })).toThrow(InvalidSignatureError);
    p.init(stores);
    expect(p.verifyNow(signed(), { signatureMethods: list })).toMatchObject({ clientId: 'ck' });
  });

  it("are the protector's own copy of its list, as its settings show", () => {
    const list = ['HMAC-SHA1'];
    const p = new ResourceProtector({
      queryClient: () => client,
      queryToken: () => token,
      existsNonce: () => false,
      signatureMethods: list,
    });
    list[0] = 'PLAINTEXT';
    expect(p.settings.signatureMethods).toEqual(['HMAC-SHA1']);
    expect(Object.isFrozen(p.settings.signatureMethods)).toBe(true);
    expect(p.verifyNow(signed())).toMatchObject({ clientId: 'ck' });
  });
});

describe('ResourceProtector.verify', () => {
  it('always answers with a promise, also for synchronous stores and before init()', async () => {
    const verified = protector(false).verify(signed());
    expect(verified).toBeInstanceOf(Promise);
    await expect(verified).resolves.toMatchObject({ clientId: 'ck' });
    await expect(new ResourceProtector().verify(signed())).rejects.toThrow(/before init/);
    // The usual cause under routing-controllers: no useContainer(Container), so its own container made this one.
    await expect(new ResourceProtector().verify(signed())).rejects.toThrow(/useContainer\(Container\)/);
  });
});

describe("a route's twoLegged switch given to verify()", () => {
  const consumerOnly = () => signed({ consumerKey: 'ck', consumerSecret: 'cs', token: '' });

  it('is read as the boolean it must be, never by its truthiness: a TypeError otherwise', async () => {
    const p = protector(false);
    await expect(p.verify(consumerOnly(), { twoLegged: true })).resolves.toMatchObject({ clientId: 'ck' });
    await expect(p.verify(consumerOnly(), { twoLegged: false })).rejects.toMatchObject({
      code: 'missing_required_parameter',
    });
    for (const twoLegged of ['false', 1, null]) {
      // 'false' accepted a request without a token, as a route that asked for one.
      const verifying = p.verify(consumerOnly(), { twoLegged } as never);
      await expect(verifying).rejects.toThrow(new TypeError("A route's twoLegged is true or false."));
    }
  });
});

describe('the guard on synchronous stores', () => {
  it('calls the next middleware in the same turn, before any microtask runs', async () => {
    const p = expectWarning(
      PLAIN_HTTP_NOTICE,
      () =>
        new ResourceProtector({
          queryClient: () => client,
          queryToken: () => token,
          existsNonce: createExistsNonce(new MemoryNonceCache()),
          allowInsecureTransport: true,
        }),
    );
    const guard = requireOAuth(p);
    let microtaskRan = false;
    let sameTurn: boolean | undefined;
    const app = new Koa();
    app.use((ctx) => {
      queueMicrotask(() => (microtaskRan = true));
      return guard(ctx, async () => {
        sameTurn = !microtaskRan;
        ctx.body = 'ok';
      });
    });
    const server = app.listen(0);
    try {
      const { port } = server.address() as { port: number };
      const url = `http://127.0.0.1:${port}/items?limit=5`;
      const { header } = sign({ url, who: WHO });
      const response = await request(server).get('/items?limit=5').set('Authorization', header);
      expect(response.status).toBe(200);
      expect(sameTurn).toBe(true);
    } finally {
      server.close();
    }
  });
});
