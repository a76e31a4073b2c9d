/**
 * routing-controllers' own auth convention on OAuth 1.0a (@Authorized(), @CurrentUser()), and the route and
 * protector options users of other OAuth 1 servers ask for (optional authentication, a public base URL, a
 * refusal rendered by the app, the credential as the framework's "user"), on both drivers.
 */
import 'reflect-metadata';
import express from 'express';
import Koa from 'koa';
import type { Server } from 'node:http';
import {
  Authorized,
  Controller,
  CurrentUser,
  Get,
  JsonController,
  Post,
  QueryParam,
  UploadedFile,
  useContainer,
  useExpressServer,
  useKoaServer,
  type RoutingControllersOptions,
} from 'routing-controllers';
import request from 'supertest';
import { Container, Service, Token } from 'typedi';
import {
  Credential,
  MemoryNonceCache,
  oauthBodyParser,
  oauthAuthorizationChecker,
  oauthCurrentUserChecker,
  RequireOAuth,
  ResourceProtector,
  type AuditEvent,
  type Client,
  type ResourceProtectorOptions,
  type TokenCredential,
} from '../src';
import { oauthBodyParser as expressBodyParser } from '../src/express';
import { expectWarning, PLAIN_HTTP_NOTICE } from './support/console';
import { sign, type Identity } from './support/sign';

const ME: Identity = { consumerKey: 'ck', consumerSecret: 'cs', token: 'tk', tokenSecret: 'ts' };
const client: Client = { getClientSecret: () => 'cs', getRsaPublicKey: () => undefined };
const token = {
  user: 'alice',
  getOAuthToken: () => 'tk',
  getOAuthTokenSecret: () => 'ts',
  getScopes: () => ['notes:read', 'notes:write'],
} satisfies TokenCredential & { user: string };
let nonceChecks = 0;

function protectorWith(extra: Partial<ResourceProtectorOptions> = {}): ResourceProtector {
  const cache = new MemoryNonceCache();
  const make = () =>
    new ResourceProtector({
      queryClient: (id) => (id === 'ck' ? client : undefined),
      queryToken: (id, t) => (id === 'ck' && t === 'tk' ? token : undefined),
      existsNonce: (nonce, timestamp, clientId, tk, { ttlSeconds, nowSeconds }) => {
        nonceChecks++;
        return !cache.setIfAbsent(`${clientId} ${tk} ${timestamp} ${nonce}`, ttlSeconds, nowSeconds);
      },
      realm: 'checkers',
      allowInsecureTransport: true,
      mirrorUser: true,
      ...extra,
    } as ResourceProtectorOptions);
  return extra.allowInsecureTransport === false ? make() : expectWarning(PLAIN_HTTP_NOTICE, make);
}

/** Another realm's protector, with stores of its own that know ME too. */
const PARTNERS = new Token<ResourceProtector>('partners');

@Service()
@JsonController('/c')
class CheckedController {
  @Get('/authorized')
  @Authorized()
  authorized(@CurrentUser() user?: string) {
    return { user: user ?? null };
  }

  @Get('/write')
  @Authorized('notes:write')
  write() {
    return { ok: true };
  }

  @Get('/admin')
  @Authorized(['notes:write', 'admin'])
  admin() {
    return { ok: true };
  }

  @Get('/both')
  @RequireOAuth()
  @Authorized('notes:read')
  both(@CurrentUser() user: string) {
    return { user };
  }

  @Get('/both-admin')
  @RequireOAuth()
  @Authorized('admin')
  bothAdmin() {
    return { ok: true };
  }

  @Get('/whoami')
  whoami(@CurrentUser() user?: string) {
    return { user: user ?? null };
  }

  // routing-controllers reads `owner` before it asks the checker: only a guard's verification comes before both.
  @Get('/whoami-owner')
  whoamiOwner(@QueryParam('owner') owner?: string, @CurrentUser() user?: string) {
    return { owner: owner ?? null, user: user ?? null };
  }

  @Get('/whoami-optional')
  @RequireOAuth({ optional: true })
  whoamiOptional(@QueryParam('owner') owner?: string, @CurrentUser() user?: string) {
    return { owner: owner ?? null, user: user ?? null };
  }

  @Get('/optional')
  @RequireOAuth({ optional: true })
  optional(@Credential() credential?: typeof token) {
    return { user: credential?.user ?? null };
  }

  @Get('/partner')
  @RequireOAuth({ protector: PARTNERS })
  @Authorized()
  partner() {
    return { ok: true };
  }

  @Post('/upload')
  @Authorized()
  upload(@UploadedFile('f') file?: { buffer: Buffer }) {
    return { file: file?.buffer.toString() ?? null };
  }

  @Post('/upload-user')
  uploadUser(@UploadedFile('f') file?: { buffer: Buffer }, @CurrentUser() user?: string) {
    return { file: file?.buffer.toString() ?? null, user: user ?? null };
  }
}

const routing: RoutingControllersOptions = {
  controllers: [CheckedController],
  development: false,
  authorizationChecker: oauthAuthorizationChecker(),
  currentUserChecker: oauthCurrentUserChecker((credential) => (credential as typeof token).user),
};

const DRIVERS: [string, () => { listen(port: number, host: string): Server }][] = [
  [
    'Koa',
    () => {
      const app = new Koa();
      app.use(async (ctx, next) => {
        await next();
        if (ctx.state.user) ctx.set('X-User', (ctx.state.user as typeof token).user);
      });
      useKoaServer(app, routing);
      return app;
    },
  ],
  [
    'Express',
    () => {
      const app = express();
      app.use((req, res, next) => {
        const end = res.json.bind(res);
        res.json = (body) => {
          const user = (req as { user?: typeof token }).user;
          if (user) res.set('X-User', user.user);
          return end(body);
        };
        next();
      });
      useExpressServer(app, routing);
      return app;
    },
  ],
];

describe.each(DRIVERS)('on %s', (_driver, makeApp) => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    useContainer(Container);
    Container.set(ResourceProtector, protectorWith());
    Container.set(PARTNERS, protectorWith({ realm: 'partners' }));
    server = makeApp().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => (nonceChecks = 0));

  const get = (path: string, who: Identity = ME) =>
    request(server)
      .get(path)
      .set('Authorization', sign({ url: base + path, who }).header);

  it('@Authorized() verifies a request no guard saw, and @CurrentUser() gives the mapped credential', async () => {
    const res = await get('/c/authorized');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: 'alice' });
    expect(nonceChecks).toBe(1);
  });

  it("@Authorized() refuses with the OAuth error contract, not routing-controllers' generic error", async () => {
    const unsigned = await request(server).get('/c/authorized');
    expect(unsigned.status).toBe(401);
    expect(unsigned.body).toEqual({ error: 'missing_credentials', error_description: expect.any(String) });
    expect(unsigned.headers['www-authenticate']).toBe('OAuth realm="checkers"');
    expect(unsigned.headers['cache-control']).toBe('no-store');
    const forged = await get('/c/authorized', { ...ME, tokenSecret: 'wrong' });
    expect(forged.status).toBe(401);
    expect(forged.body.error).toBe('invalid_signature');
    expect(forged.headers['www-authenticate']).toMatch(/oauth_problem="signature_invalid"/);
  });

  it('reads roles as scopes: one role is one scope, a list requires every scope', async () => {
    expect((await get('/c/write')).status).toBe(200);
    const admin = await get('/c/admin');
    expect(admin.status).toBe(403);
    expect(admin.body.error).toBe('insufficient_scope');
    expect(admin.body.error_description).toMatch(/not granted: admin/);
  });

  it('with @RequireOAuth() on the route too, verifies once and checks the role against that verification', async () => {
    const res = await get('/c/both');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: 'alice' });
    expect(nonceChecks).toBe(1);
  });

  it('@CurrentUser() alone: undefined without credentials, a TypeError for any request that carries some', async () => {
    expect((await request(server).get('/c/whoami')).body).toEqual({ user: null });
    // oauth_ in a query value names no credential: still anonymous.
    for (const query of ['q=how%20to%20get%20an%20oauth_token', 'next=%2Fcb%3Foauth_verifier%3Dabc']) {
      expect((await request(server).get(`/c/whoami?${query}`)).body).toEqual({ user: null });
    }
    // Its action's other parameters were read before the checker ran: never handed over beside a verified user. The
    // TypeError comes before anything is verified: no nonce recorded, so the request can be sent again once fixed.
    for (const path of ['/c/whoami', '/c/whoami-owner?owner%5B%24ne%5D=nobody']) {
      for (const who of [ME, { ...ME, tokenSecret: 'wrong' }]) {
        const signed = await get(path, who);
        expect({ status: signed.status, user: signed.body.user }).toEqual({ status: 500, user: undefined });
      }
    }
    const query = sign({ url: `${base}/c/whoami`, who: ME }).asQuery;
    expect((await request(server).get(`/c/whoami?${query}`)).status).toBe(500);
    expect(nonceChecks).toBe(0);
    // What the 500 is: the checker's TypeError, which names the fix.
    const action = {
      request: { method: 'GET', headers: { authorization: 'OAuth oauth_consumer_key="ck"' }, originalUrl: '/c/whoami' },
      response: { locals: {} },
    };
    expect(() => oauthCurrentUserChecker()(action as never)).toThrow(/Put @RequireOAuth\(\{ optional: true \}\)/);
  });

  it('@CurrentUser() under @RequireOAuth({ optional: true }): every parameter reads the verified request', async () => {
    // The flat reading names no `owner`; Express's own (qs) read `owner[$ne]` as { $ne: 'nobody' }.
    const signed = await get('/c/whoami-optional?owner%5B%24ne%5D=nobody');
    expect(signed.body).toEqual({ owner: null, user: 'alice' });
    expect((await get('/c/whoami-optional?owner=bob')).body).toEqual({ owner: 'bob', user: 'alice' });
    expect((await request(server).get('/c/whoami-optional?owner=bob')).body).toEqual({ owner: 'bob', user: null });
    expect(nonceChecks).toBe(2);
  });

  it("mirrors the credential as the framework's user (mirrorUser)", async () => {
    expect((await get('/c/authorized')).headers['x-user']).toBe('alice');
  });

  it("is a TypeError, not a pass, on a route whose guard is another protector's than the checker's", async () => {
    // The checker's protector would apply its access rules to a credential only the other protector's stores vouched for.
    const res = await get('/c/partner');
    expect(res.status).toBe(500);
    expect(nonceChecks).toBe(1); // the partners' guard verified it; the checker asked nothing of its own stores
  });

  it('an upload (multipart) is not read by the checkers, which routing-controllers runs before multer', async () => {
    const upload = (path: string, signed: boolean) => {
      const sent = request(server).post(path);
      if (signed) sent.set('Authorization', sign({ method: 'POST', url: base + path, who: ME }).header);
      return sent.attach('f', Buffer.from('hello'), 'f.txt');
    };
    // Signed: refused before any store, where it was accepted, its nonce recorded, and then a 500 from multer.
    for (const path of ['/c/upload', '/c/upload-user']) {
      const refused = await upload(path, true);
      expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 400, error: 'invalid_request' });
      expect(refused.body.error_description).toMatch(/multipart body is not verified by @Authorized\(\)/);
    }
    expect(nonceChecks).toBe(0);
    // Without credentials, @CurrentUser() has no user and multer reads the upload (a 500 for every upload before).
    expect((await upload('/c/upload-user', false)).body).toEqual({ file: 'hello', user: null });
    expect((await upload('/c/upload', false)).status).toBe(401);
    // Another scheme (a proxy's Basic) carries no OAuth credentials: anonymous still.
    const basic = await upload('/c/upload-user', false).set('Authorization', 'Basic dXNlcjpwYXNz');
    expect(basic.body).toEqual({ file: 'hello', user: null });
    // OAuth in the query, however spelt, is not anonymous: its request would be verified without the upload.
    const signedQuery = sign({ method: 'POST', url: `${base}/c/upload-user`, who: ME }).asQuery;
    for (const query of [signedQuery.replaceAll('oauth_', 'oauth%5F'), signedQuery.replaceAll('oauth_', '%6Fauth_')]) {
      const refused = await upload(`/c/upload-user?${query}`, false);
      expect(refused.body.error_description).toMatch(/multipart body is not verified/);
    }
    expect((await upload('/c/upload-user?a=%zz', false)).body.error_description).toMatch(/multipart/);
    // Media types are case-insensitive (RFC 9110 §8.3.1), and multer reads any multipart type.
    for (const type of ['Multipart/Form-Data; boundary=x', 'multipart/mixed; boundary=x']) {
      const signed = await request(server)
        .post('/c/upload')
        .set('Authorization', sign({ method: 'POST', url: `${base}/c/upload`, who: ME }).header)
        .set('Content-Type', type)
        .send('--x--\r\n');
      expect(signed.body.error_description).toMatch(/multipart body is not verified/);
    }
  });

  it('optional authentication: an unsigned request passes without a credential, a signed one must verify', async () => {
    expect((await request(server).get('/c/optional')).body).toEqual({ user: null });
    expect((await get('/c/optional')).body).toEqual({ user: 'alice' });
    expect((await get('/c/optional', { ...ME, tokenSecret: 'wrong' })).status).toBe(401);
  });
});

describe('protector options for proxies and for rendering refusals', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  const serve = async (options: Partial<ResourceProtectorOptions>) => {
    Container.set(ResourceProtector, protectorWith(options));
    const app = new Koa();
    useKoaServer(app, { controllers: [CheckedController], development: false });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server?.once('listening', resolve));
    return server;
  };

  it('publicBaseUrl: verifies against the public URL a proxy rewrote, whatever Host and path prefix arrive', async () => {
    const s = await serve({ publicBaseUrl: 'https://api.example.com/v1/', allowInsecureTransport: false });
    const signed = sign({ url: 'https://api.example.com/v1/c/optional', who: ME });
    const res = await request(s).get('/c/optional').set('Authorization', signed.header);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: 'alice' });
    const direct = sign({ url: `http://127.0.0.1:${(s.address() as { port: number }).port}/c/optional`, who: ME });
    expect((await request(s).get('/c/optional').set('Authorization', direct.header)).status).toBe(401);
  });

  it('publicBaseUrl is taken apart when the protector is made: scheme, host as URLs spell it, path without "/"', () => {
    expect(protectorWith({ publicBaseUrl: 'HTTPS://API.Example.com:443/v1/' }).settings.publicBase).toEqual({
      scheme: 'https',
      host: 'api.example.com',
      path: '/v1',
    });
    expect(protectorWith({ publicBaseUrl: 'http://api.example.com:8080' }).settings.publicBase).toEqual({
      scheme: 'http',
      host: 'api.example.com:8080',
      path: '',
    });
    expect(protectorWith({ publicBaseUrl: 'https://api.example.com/lti//' }).settings.publicBase?.path).toBe('/lti');
    expect(protectorWith().settings.publicBase).toBeUndefined();
  });

  it('publicBaseUrl must be an http(s) URL without query or userinfo', () => {
    for (const publicBaseUrl of ['ftp://x.example/', 'https://x.example/?a=1', 'https://u@x.example/', 'not a url']) {
      expect(() => protectorWith({ publicBaseUrl })).toThrow(/publicBaseUrl/);
    }
  });

  it('renderRefusal: the app renders a refusal its way; a hook that throws keeps the contract', async () => {
    const s = await serve({
      renderRefusal: ({ error, response }) => {
        if (error.code === 'invalid_signature') throw new Error('the hook itself is broken');
        return error.code === 'missing_credentials'
          ? { status: 302, headers: { ...response.headers, Location: 'https://lms.example/return' } }
          : undefined;
      },
    });
    const redirected = await request(s).get('/c/both');
    expect(redirected.status).toBe(302);
    expect(redirected.headers.location).toBe('https://lms.example/return');
    const kept = await request(s)
      .get('/c/both')
      .set('Authorization', sign({ url: 'http://x/', who: ME }).header);
    expect(kept.status).toBe(401);
    expect(kept.body.error).toBe('invalid_signature');
  });

  it.each([
    ['a promise (the hook is synchronous)', () => Promise.resolve({ status: 302, headers: {} })],
    ['a status that is not a number', () => ({ status: 'abc', headers: {} })],
    ['a success status for a refusal', () => ({ status: 200, headers: {} })],
    [
      'a header value with a line break',
      () => ({ status: 302, headers: { Location: 'https://a\r\nSet-Cookie: x=1' } }),
    ],
    ['a body JSON cannot write', () => ({ status: 400, headers: {}, body: { n: BigInt(1) } })],
  ])('renderRefusal answering %s: the contract response, never a 500', async (_what, answer) => {
    const s = await serve({ renderRefusal: answer as never });
    const res = await request(s).get('/c/both');
    expect({ status: res.status, error: res.body.error }).toEqual({ status: 401, error: 'missing_credentials' });
  });

  it('an async audit hook that rejects changes nothing, and leaves no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const s = await serve({ audit: async () => Promise.reject(new Error('the log sink is down')) });
      expect((await request(s).get('/c/both')).status).toBe(401);
      const signed = sign({ url: `http://127.0.0.1:${(s.address() as { port: number }).port}/c/optional`, who: ME });
      const accepted = await request(s).get('/c/optional').set('Authorization', signed.header);
      expect({ status: accepted.status, body: accepted.body }).toEqual({ status: 200, body: { user: 'alice' } });
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe.each(['Koa', 'Express'])("refusals outside the guard's own verification, on %s", (driver) => {
  let server: Server;
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it("a checker's access refusal after a guard, and the body parser's, are rendered (and the first audited) as the guard's", async () => {
    const events: Pick<AuditEvent, 'outcome' | 'status' | 'error'>[] = [];
    const rendered: string[] = [];
    const protector = protectorWith({
      audit: ({ outcome, status, error }) => events.push({ outcome, status, error }),
      renderRefusal: ({ error }) => {
        rendered.push(error.code);
        return { status: 302, headers: { Location: 'https://lms.example/return' } };
      },
    });
    Container.set(ResourceProtector, protector);
    if (driver === 'Koa') {
      const app = new Koa();
      app.use(oauthBodyParser(protector));
      server = useKoaServer(app, routing).listen(0, '127.0.0.1');
    } else {
      const app = express();
      app.use(expressBodyParser(protector));
      server = useExpressServer(app, routing).listen(0, '127.0.0.1');
    }
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    // The guard accepts; @Authorized('admin') refuses: a 403 audited as such, where it was counted as accepted only.
    const scoped = await request(server)
      .get('/c/both-admin')
      .set('Authorization', sign({ url: `${base}/c/both-admin`, who: ME }).header);
    expect({ status: scoped.status, location: scoped.headers.location }).toEqual({
      status: 302,
      location: 'https://lms.example/return',
    });
    expect(events).toEqual([
      { outcome: 'accepted', status: 200, error: undefined },
      { outcome: 'refused', status: 403, error: 'insufficient_scope' },
    ]);
    // A body refused by oauthBodyParser() before any route: rendered the app's way too (not audited: no route yet).
    const malformed = await request(server).post('/c/whoami').type('form').send('a=%FF');
    expect({ status: malformed.status, location: malformed.headers.location }).toEqual({
      status: 302,
      location: 'https://lms.example/return',
    });
    expect(rendered).toEqual(['insufficient_scope', 'invalid_request']);
    expect(events).toHaveLength(2);
  });
});

@Service()
@Controller('/text')
class TextController {
  @Get('/authorized')
  @Authorized()
  authorized() {
    return 'ok';
  }
}

describe.each(['Koa', 'Express'])("a checker's refusal shows the client no stack trace, on %s", (driver) => {
  let server: Server;
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  const serve = async (options: RoutingControllersOptions) => {
    useContainer(Container);
    Container.set(ResourceProtector, protectorWith());
    const all = { controllers: [TextController], authorizationChecker: oauthAuthorizationChecker(), ...options };
    if (driver === 'Koa') {
      const app = new Koa();
      app.silent = true;
      server = useKoaServer(app, all).listen(0, '127.0.0.1');
    } else {
      const app = express();
      app.set('env', 'test'); // Express's final handler prints a stack outside production (and logs it but in 'test')
      server = useExpressServer(app, all).listen(0, '127.0.0.1');
    }
    await new Promise((resolve) => server.once('listening', resolve));
    return request(server).get('/text/authorized');
  };
  const FRAME = /\bat \S.*:\d+:\d+|oauth-checkers|node_modules/;

  it("a text controller in development mode (routing-controllers' default) answers the description", async () => {
    const res = await serve({ development: true });
    expect({ status: res.status, text: res.text }).toEqual({
      status: 401,
      text: 'The request carries no OAuth credentials.',
    });
    expect(res.text).not.toMatch(FRAME);
  });

  it("with defaultErrorHandler: false, the app's own handling (Express's final handler) prints no frames", async () => {
    const res = await serve({ development: false, defaultErrorHandler: false });
    expect(res.status).toBe(401);
    expect(res.text).toContain('The request carries no OAuth credentials.');
    expect(res.text).not.toMatch(FRAME);
  });
});
