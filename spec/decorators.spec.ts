import 'reflect-metadata';
import Koa from 'koa';
import type { Server } from 'node:http';
import { Ctx, Get, JsonController, State, useContainer, useKoaServer } from 'routing-controllers';
import request from 'supertest';
import { Container, Service, Token } from 'typedi';
import {
  createExistsNonce,
  Credential,
  currentCredential,
  MemoryNonceCache,
  RequireOAuth,
  ResourceProtector,
  type Client,
  type ResourceProtectorOptions,
  type TokenCredential,
} from '../src';
import { expectWarning, PLAIN_HTTP_NOTICE } from './support/console';
import { sign, type Identity } from './support/sign';

class TestToken implements TokenCredential {
  constructor(
    readonly token: string,
    readonly secret: string,
    readonly user: string,
  ) {}
  getOAuthToken() {
    return this.token;
  }
  getOAuthTokenSecret() {
    return this.secret;
  }
}

const client: Client = { getClientSecret: () => 'cs', getRsaPublicKey: () => undefined };
const ME: Identity = { consumerKey: 'ck', consumerSecret: 'cs', token: 'tk', tokenSecret: 'ts' };

let nonceChecks = 0;
function options(user: string, extra: { realm?: string } = {}): ResourceProtectorOptions {
  const exists = createExistsNonce(new MemoryNonceCache());
  return {
    queryClient: (id) => (id === 'ck' ? client : undefined),
    queryToken: (id, token) => (id === 'ck' && token === 'tk' ? new TestToken('tk', 'ts', user) : undefined),
    existsNonce: (...args) => (nonceChecks++, exists(...args)),
    allowInsecureTransport: true,
    realm: 'main',
    ...extra,
  };
}

/** A protector on `options`: it prints its plain-http notice. */
const protectorFor = (user: string, extra: { realm?: string } = {}) =>
  expectWarning(PLAIN_HTTP_NOTICE, () => new ResourceProtector(options(user, extra)));

const SECOND = new Token<ResourceProtector>('second protector');

@Service()
class Greeter {
  async greet() {
    await new Promise((resolve) => setImmediate(resolve));
    return `hello ${currentCredential<TestToken>()?.user}`;
  }
}

@Service()
@JsonController('/method')
class MethodController {
  constructor(private readonly greeter: Greeter) {}

  @Get('/guarded')
  @RequireOAuth()
  guarded(@Credential() credential: TestToken, @State('credential') fromState: TestToken) {
    return { user: credential.user, same: credential === fromState };
  }

  @Get('/deep')
  @RequireOAuth()
  deep() {
    return this.greeter.greet();
  }

  @Get('/open')
  open(@Ctx() ctx: Koa.Context) {
    return { credential: currentCredential() ?? null, state: ctx.state.credential ?? null };
  }

  @Get('/second')
  @RequireOAuth({ protector: SECOND })
  second(@Credential() credential: TestToken) {
    return { user: credential.user };
  }
}

@Service()
@JsonController('/class')
@RequireOAuth()
class ClassController {
  @Get('/plain')
  plain(@Credential() credential: TestToken) {
    return { user: credential.user };
  }

  @Get('/sha256-only')
  @RequireOAuth({ signatureMethods: ['HMAC-SHA256'], realm: 'strict' })
  strict(@Credential() credential: TestToken) {
    return { user: credential.user };
  }

  @Get('/plaintext-too')
  @RequireOAuth({ signatureMethods: ['HMAC-SHA1', 'PLAINTEXT'] })
  widened(@Credential() credential: TestToken) {
    return { user: credential.user };
  }

  @Get('/twice')
  @RequireOAuth({ realm: 'outer' })
  @RequireOAuth({ signatureMethods: ['HMAC-SHA256'] })
  twice() {
    return { twice: true };
  }

  @Get('/misspelt')
  @RequireOAuth({ signatureMethods: ['HMAC-SHA-1'] })
  misspelt(@Credential() credential: TestToken) {
    return { user: credential.user };
  }
}

let server: Server;
let base: string;
beforeAll(async () => {
  useContainer(Container);
  Container.set(ResourceProtector, protectorFor('alice'));
  Container.set(SECOND, protectorFor('second-alice', { realm: 'second' }));
  const app = new Koa();
  useKoaServer(app, { controllers: [MethodController, ClassController] });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  nonceChecks = 0;
});

const get = (path: string, signatureMethod = 'HMAC-SHA1') =>
  request(server)
    .get(path)
    .set('Authorization', sign({ url: base + path, who: ME, signatureMethod }).header);

describe('@RequireOAuth() on a method', () => {
  it('verifies the request and @Credential() injects the credential, the same as ctx.state.credential', async () => {
    const res = await get('/method/guarded');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: 'alice', same: true });
  });

  it('answers 401 with the protector realm in the challenge when unsigned', async () => {
    const res = await request(server).get('/method/guarded');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('OAuth realm="main"');
  });

  it('leaves unguarded actions of the same controller open, with no credential', async () => {
    const res = await request(server).get('/method/open');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ credential: null, state: null });
  });
});

describe('currentCredential()', () => {
  it('reaches the credential from a service deep in the call, across awaits', async () => {
    const res = await get('/method/deep');
    expect(res.status).toBe(200);
    expect(res.text).toBe('hello alice');
  });
});

describe('@RequireOAuth() on a class', () => {
  it('guards every action of the controller', async () => {
    expect((await request(server).get('/class/plain')).status).toBe(401);
    const res = await get('/class/plain');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: 'alice' });
  });

  it('with a method guard too, verifies once, with the method options over the class options', async () => {
    const refused = await get('/class/sha256-only', 'HMAC-SHA1');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('unsupported_signature_method');
    nonceChecks = 0;
    const accepted = await get('/class/sha256-only', 'HMAC-SHA256');
    expect(accepted.status).toBe(200);
    expect(nonceChecks).toBe(1);
  });

  it('with two decorators on one method, verifies once, with both options', async () => {
    const refused = await get('/class/twice', 'HMAC-SHA1');
    expect(refused.body.error).toBe('unsupported_signature_method');
    expect((await request(server).get('/class/twice')).headers['www-authenticate']).toBe('OAuth realm="outer"');
    nonceChecks = 0;
    const accepted = await get('/class/twice', 'HMAC-SHA256');
    expect(accepted.status).toBe(200);
    expect(nonceChecks).toBe(1);
  });

  it('lets a method widen the signature methods the class allows', async () => {
    const res = await get('/class/plaintext-too', 'PLAINTEXT');
    expect(res.status).toBe(200);
    expect((await get('/class/plain', 'PLAINTEXT')).status).toBe(400);
  });

  it("answers 500 on a route naming a method the protector does not know, not every client's request refused", async () => {
    // routing-controllers logs the error of a 500 (development mode): the server's log names the method.
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      for (const signatureMethod of ['HMAC-SHA1', 'PLAINTEXT']) {
        const res = await get('/class/misspelt', signatureMethod);
        expect(res.status).toBe(500);
        expect(res.body.error).toBeUndefined();
      }
      expect(logged.mock.calls.map((call) => String(call[0]))).toEqual([
        expect.stringMatching(/Unknown signature method "HMAC-SHA-1"; known: HMAC-SHA1,/),
        expect.stringMatching(/Unknown signature method "HMAC-SHA-1"/),
      ]);
    } finally {
      logged.mockRestore();
    }
  });

  it('names the method realm in challenges of that method', async () => {
    const res = await request(server).get('/class/sha256-only');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('OAuth realm="strict"');
  });
});

describe('protectors from the container', () => {
  it('uses a second protector named by a typedi Token', async () => {
    const res = await get('/method/second');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: 'second-alice' });
    expect((await request(server).get('/method/second')).headers['www-authenticate']).toBe('OAuth realm="second"');
  });

  it('resolves the protector per request, so an app can replace it', async () => {
    const original = Container.get(ResourceProtector);
    try {
      Container.set(ResourceProtector, protectorFor('replaced'));
      expect((await get('/method/guarded')).body.user).toBe('replaced');
    } finally {
      Container.set(ResourceProtector, original);
    }
  });

  it('supports lazy init(), like Authlib init_app', async () => {
    const original = Container.get(ResourceProtector);
    try {
      const lazy = new ResourceProtector();
      Container.set(ResourceProtector, lazy);
      expectWarning(PLAIN_HTTP_NOTICE, () => lazy.init(options('lazy'))); // the notice comes with the options
      expect((await get('/method/guarded')).body.user).toBe('lazy');
    } finally {
      Container.set(ResourceProtector, original);
    }
  });
});
