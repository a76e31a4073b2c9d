/**
 * The guard without routing-controllers (Koa + @koa/router), and the audit hook.
 */
import koaMulter from '@koa/multer';
import Router from '@koa/router';
import express from 'express';
import express5 from 'express5';
import Koa from 'koa';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  createExistsNonce,
  currentCredential,
  MemoryNonceCache,
  oauthBodyParser,
  requireOAuth,
  ResourceProtector,
  type AuditEvent,
  type Client,
  type ExistsNonce,
  type OAuthState,
  type TokenCredential,
} from '../src';
import { expectWarning, PLAIN_HTTP_NOTICE } from './support/console';
import { requireOAuth as requireExpressOAuth } from '../src/express';
import { closesConnection } from '../src/protector/refusal';
import { InvalidRequestError, RequestTooLargeError } from '../src/rfc5849/errors';
import { loopbackListen } from './support/listen';
import { untilClosed } from './support/raw-http';
import { formBody, sign, type Identity } from './support/sign';
import { expectUnguardedFormLimit } from './support/unguarded-form';

interface UserToken extends TokenCredential {
  user: string;
}
const client: Client & { key: string } = { key: 'ck', getClientSecret: () => 'cs', getRsaPublicKey: () => undefined };
const token: UserToken = { user: 'alice', getOAuthToken: () => 'tk', getOAuthTokenSecret: () => 'token-secret' };
const ME: Identity = { consumerKey: 'ck', consumerSecret: 'cs', token: 'tk', tokenSecret: 'token-secret' };

const events: AuditEvent[] = [];
let auditThrows = false;
/** One client and its token, and a nonce cache of its own for each protector. */
const stores = () => ({
  queryClient: (id: string) => (id === 'ck' ? client : undefined),
  queryToken: (id: string, t: string) => (id === 'ck' && t === 'tk' ? token : undefined),
  existsNonce: createExistsNonce(new MemoryNonceCache()),
  allowInsecureTransport: true,
});
const protector = expectWarning(
  PLAIN_HTTP_NOTICE,
  () =>
    new ResourceProtector({
      ...stores(),
      realm: 'plain',
      audit: (event) => {
        events.push(event);
        if (auditThrows) throw new Error('the log is down');
      },
    }),
);

/** The same stores, with currentCredential() left out. */
const withoutContext = expectWarning(
  PLAIN_HTTP_NOTICE,
  () => new ResourceProtector({ ...stores(), currentCredential: false }),
);

let server: Server;
let base: string;
beforeAll(async () => {
  const router = new Router();
  router.get('/me-without-context', requireOAuth(withoutContext), async (ctx) => {
    await Promise.resolve();
    ctx.body = { user: (ctx.state.credential as UserToken).user, deep: currentCredential<UserToken>() ?? null };
  });
  router.get('/me', requireOAuth(protector), (ctx) => {
    ctx.body = { user: (ctx.state.credential as UserToken).user, deep: currentCredential<UserToken>()?.user };
  });
  router.post('/echo', requireOAuth(protector), (ctx) => {
    ctx.body = { body: (ctx.request as typeof ctx.request & { body: unknown }).body };
  });
  router.post('/open', (ctx) => {
    ctx.body = { body: (ctx.request as typeof ctx.request & { body: unknown }).body };
  });
  router.get('/scoped', requireOAuth(protector, { scopes: ['admin'] }), (ctx) => {
    ctx.body = {};
  });
  router.get('/consumer', requireOAuth(protector, { twoLegged: true }), (ctx) => {
    ctx.body = { consumer: (ctx.state.credential as typeof client).key };
  });
  router.post('/upload', requireOAuth(protector, { optional: true }), koaMulter().single('f'), (ctx) => {
    const { file } = ctx as typeof ctx & { file?: { buffer: Buffer } };
    ctx.body = {
      file: file?.buffer.toString() ?? null,
      user: (ctx.state.credential as UserToken | undefined)?.user ?? null,
    };
  });
  const app = new Koa();
  app.use(oauthBodyParser(protector));
  app.use(router.routes());
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  events.length = 0;
  auditThrows = false;
});

describe('requireOAuth() on @koa/router without routing-controllers', () => {
  it('verifies, and leaves the credential on ctx.state and in currentCredential()', async () => {
    const res = await request(server)
      .get('/me')
      .set('Authorization', sign({ url: `${base}/me`, who: ME }).header);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: 'alice', deep: 'alice' });
  });

  it('with currentCredential: false, leaves the credential on ctx.state but not in currentCredential()', async () => {
    expect(withoutContext.settings.currentCredential).toBe(false);
    expect(protector.settings.currentCredential).toBe(true);
    const res = await request(server)
      .get('/me-without-context')
      .set('Authorization', sign({ url: `${base}/me-without-context`, who: ME }).header);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: 'alice', deep: null });
  });

  it('on an optional route, leaves an anonymous upload unread for the upload parser after the guard', async () => {
    const upload = () => request(server).post('/upload').attach('f', Buffer.from('hello'), 'f.txt');
    // The guard read it looking for credentials, which a multipart body cannot hold: multer found it used up, a 500.
    expect((await upload()).body).toEqual({ file: 'hello', user: null });
    expect((await upload().set('Authorization', 'Basic dXNlcjpwYXNz')).body).toEqual({ file: 'hello', user: null });
    // A request that may be signed is still verified, its body with it: a multipart one needs its oauth_body_hash.
    const forged = sign({ method: 'POST', url: `${base}/upload`, who: { ...ME, tokenSecret: 'wrong' } });
    const refused = await upload().set('Authorization', forged.header);
    expect({ status: refused.status, error: refused.body.error }).toEqual({
      status: 400,
      error: 'missing_required_parameter',
    });
  });

  it('renders the same OAuth errors, with the protector realm', async () => {
    const res = await request(server).get('/me');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('missing_credentials');
    expect(res.headers['www-authenticate']).toBe('OAuth realm="plain"');
  });

  it('signs form bodies read by oauthBodyParser(), and hands the handler the same parameters', async () => {
    const form: [string, string][] = [
      ['tag', 'a'],
      ['tag', 'b+c'],
    ];
    const res = await request(server)
      .post('/echo')
      .set('Authorization', sign({ method: 'POST', url: `${base}/echo`, form, who: ME }).header)
      .type('form')
      .send(formBody(form));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ body: { tag: ['a', 'b+c'] } });
  });

  it("refuses an unguarded form of more parameters than the protector's limit, as the guard would", () =>
    expectUnguardedFormLimit(server, '/open', protector.limits.parameters));

  it('accepts a two-legged request where the route allows it, and gives the client', async () => {
    // Consumer-only: no token, and so an empty token secret in the key.
    const who = { ...ME, tokenSecret: '' };
    const signed = sign({ url: `${base}/consumer`, who, oauth: { oauth_token: undefined } });
    const res = await request(server).get('/consumer').set('Authorization', signed.header);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ consumer: 'ck' });
  });
});

describe("on an app of typed state (Koa's own types, checked by the suite's type check)", () => {
  it('mounts as Koa.Middleware<AppState>, on Koa<AppState> and a Router<AppState>, and verifies', async () => {
    interface AppState extends Partial<OAuthState> {
      requestId?: string;
    }
    const guard: Koa.Middleware<AppState> = requireOAuth(protector);
    const router = new Router<AppState>();
    router.get('/typed', guard, (ctx) => {
      ctx.body = { user: (ctx.state.credential as UserToken).user };
    });
    const app = new Koa<AppState>();
    app.use(oauthBodyParser(protector));
    app.use(router.routes());
    const typed = app.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => typed.once('listening', resolve));
      const url = `http://127.0.0.1:${(typed.address() as { port: number }).port}/typed`;
      const res = await request(typed)
        .get('/typed')
        .set('Authorization', sign({ url, who: ME }).header);
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { user: 'alice' } });
    } finally {
      await new Promise((resolve) => typed.close(resolve));
    }
  });
});

describe('a 413', () => {
  const listen = loopbackListen();

  it("closes the connection, whatever response an application's renderRefusal makes of it", async () => {
    const rendered = expectWarning(
      PLAIN_HTTP_NOTICE,
      () =>
        new ResourceProtector({
          ...stores(),
          renderRefusal: () => ({ status: 413, headers: {}, body: 'too big' }),
        }),
    );
    const app = new Koa().use(oauthBodyParser(rendered)).use((ctx) => {
      ctx.body = {};
    });
    const { port } = (await listen(app)).address() as AddressInfo;
    const head = [
      'POST /x HTTP/1.1',
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      `Content-Length: ${10 ** 12}`,
    ];
    const reply = await untilClosed(port, head); // ends when the server closes the connection
    expect(reply).toMatch(/^HTTP\/1\.1 413 [^]*\r\nConnection: close\r\n[^]*too big$/);
  }, 10_000);
});

describe('closesConnection', () => {
  const req = (httpVersionMajor: number, complete: boolean, headers: Record<string, string> = {}) => ({
    httpVersionMajor,
    complete,
    headers,
  });
  const refused = new InvalidRequestError('refused');

  it('ends the connection with a 413, and with any refusal before an announced body was read to its end', () => {
    expect(closesConnection(new RequestTooLargeError(1), req(1, true))).toBe(true);
    expect(closesConnection(refused, req(1, false, { 'content-length': '1000000000000' }))).toBe(true);
    expect(closesConnection(refused, req(1, false, { 'transfer-encoding': 'chunked' }))).toBe(true);
  });

  it('keeps it for a refusal of a bodiless request or of a body read whole, and on HTTP/2, which has no such header', () => {
    expect(closesConnection(refused, req(1, false))).toBe(false);
    expect(closesConnection(refused, req(1, false, { 'content-length': '0' }))).toBe(false);
    expect(closesConnection(refused, req(1, true, { 'content-length': '10' }))).toBe(false);
    expect(closesConnection(new RequestTooLargeError(1), req(2, false, { 'content-length': '10' }))).toBe(false);
  });
});

/**
 * An Express app run as Koa middleware, as koa-connect runs it: it sets `req.originalUrl` to the path it is handed,
 * then hands the request on to Koa's next middleware.
 */
function expressInside(inner = express().use((_req, _res, next) => next())): Koa.Middleware {
  return (ctx, next) =>
    new Promise<void>((resolve, reject) => {
      inner(ctx.req as express.Request, ctx.res as express.Response, (error?: unknown) =>
        error ? reject(error as Error) : resolve(next()),
      );
    });
}

/** A Koa app cut at /k as koa-mount('/k', ...) cuts it, then `middlewares`; a GET of /k/me signed for `signed`. */
function mountedAtK(...middlewares: Koa.Middleware[]) {
  const koa = new Koa();
  koa.use(async (ctx, next) => {
    if (ctx.path.startsWith('/k/')) ctx.path = ctx.path.slice(2); // what koa-mount('/k', ...) does
    await next();
  });
  for (const middleware of middlewares) koa.use(middleware);
  return (signed: string) =>
    request(koa.callback())
      .get('/k/me')
      .set('Host', '127.0.0.1')
      .set('Authorization', sign({ url: `http://127.0.0.1${signed}`, who: ME }).header);
}

describe('a Koa app run by Express, or running Express', () => {
  it('verifies the target the client sent and signed, which Express keeps in req.originalUrl', async () => {
    const koa = new Koa();
    const router = new Router();
    router.get('/me', requireOAuth(protector), (ctx) => {
      ctx.body = { path: ctx.path, original: ctx.originalUrl };
    });
    koa.use(router.routes());
    const outer = express();
    outer.use('/k', koa.callback());
    const get = (target: string, signed: string) =>
      request(outer)
        .get(target)
        .set('Host', '127.0.0.1')
        .set('Authorization', sign({ url: `http://127.0.0.1${signed}`, who: ME }).header);
    const res = await get('/k/me?a=1', '/k/me?a=1');
    expect({ status: res.status, body: res.body as unknown }).toEqual({
      status: 200,
      body: { path: '/me', original: '/me?a=1' },
    });
    expect((await get('/k/me', '/me')).status).toBe(401); // signed for the path Express left to Koa
  });

  it('keeps the target Koa received when an Express app runs inside it on a cut path (koa-mount, koa-connect)', async () => {
    const get = mountedAtK(expressInside(), requireOAuth(protector), (ctx) => {
      ctx.body = { path: ctx.path };
    });
    const res = await get('/k/me');
    expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 200, body: { path: '/me' } });
    expect((await get('/me')).status).toBe(401);
  });

  it("an Express guard in an Express app that Koa runs on a cut path verifies the mount's URL with publicBaseUrl", async () => {
    // Express keeps nothing of what Koa's mount cut: the README's recipe is the mount's URL as publicBaseUrl.
    const mounted = expectWarning(
      PLAIN_HTTP_NOTICE,
      () => new ResourceProtector({ ...stores(), publicBaseUrl: 'http://127.0.0.1/k' }),
    );
    const inner = express();
    inner.get('/me', requireExpressOAuth(mounted), (req, res) => void res.status(200).json({ path: req.originalUrl }));
    const get = mountedAtK(expressInside(inner));
    const res = await get('/k/me');
    expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 200, body: { path: '/me' } });
    expect((await get('/me')).status).toBe(401);
  });

  it.each([
    ['Express 4', express],
    ['Express 5', express5],
  ])("verifies the target %s received when it rewrote it before Koa's mount, not the rewrite", async (_name, make) => {
    const koa = new Koa();
    const router = new Router();
    router.get('/users/current/profile', requireOAuth(protector), (ctx) => {
      ctx.body = { path: ctx.path };
    });
    koa.use(router.routes());
    const outer = make();
    outer.use((req: express.Request, _res: express.Response, next: express.NextFunction) => {
      if (req.url === '/k/me') req.url = '/k/users/current/profile'; // an alias: Express keeps req.originalUrl
      next();
    });
    outer.use('/k', koa.callback());
    const get = (signed: string) =>
      request(outer)
        .get('/k/me')
        .set('Host', '127.0.0.1')
        .set('Authorization', sign({ url: `http://127.0.0.1${signed}`, who: ME }).header);
    expect((await get('/k/me')).status).toBe(200);
    expect((await get('/users/current/profile')).status).toBe(401);
  });

  it('verifies the target Koa received when an Express app inside it saw a longer rewrite (koa-rewrite, koa-connect)', async () => {
    const koa = new Koa();
    koa.use(async (ctx, next) => {
      if (ctx.path === '/me') ctx.url = '/v2/users/current/profile'; // Koa keeps ctx.originalUrl
      await next();
    });
    koa.use(expressInside());
    koa.use(requireOAuth(protector));
    koa.use((ctx) => {
      ctx.body = {};
    });
    const get = (signed: string) =>
      request(koa.callback())
        .get('/me')
        .set('Host', '127.0.0.1')
        .set('Authorization', sign({ url: `http://127.0.0.1${signed}`, who: ME }).header);
    expect((await get('/me')).status).toBe(200);
    expect((await get('/v2/users/current/profile')).status).toBe(401);
  });
});

describe('two guards on one request', () => {
  it('is a TypeError naming the mistake, not the request refused as a replay of its own nonce', async () => {
    const stacked = new Koa();
    const errors: string[] = [];
    stacked.on('error', (error: Error) => errors.push(error.message));
    stacked.use(requireOAuth(protector)); // the app's guard, then the route's with a scope
    stacked.use(requireOAuth(protector, { scopes: [] }));
    stacked.use((ctx) => {
      ctx.body = {};
    });
    const url = 'http://127.0.0.1/anything';
    const res = await request(stacked.callback())
      .get('/anything')
      .set('Host', '127.0.0.1')
      .set('Authorization', sign({ url, who: ME }).header);
    expect(res.status).toBe(500);
    expect(errors).toEqual([expect.stringMatching(/accepted by another guard already/)]);
  });

  it('is the same TypeError for two protectors keeping their nonces in one place (two realms)', async () => {
    const realm = (name: string, nonces: { nonceCache: MemoryNonceCache } | { existsNonce: ExistsNonce }) =>
      expectWarning(
        PLAIN_HTTP_NOTICE,
        () => new ResourceProtector({ ...stores(), existsNonce: undefined, ...nonces, realm: name }),
      );
    const shared = new MemoryNonceCache();
    const other = new MemoryNonceCache();
    const setups: [ResourceProtector, ResourceProtector][] = [
      [realm('outer', { nonceCache: shared }), realm('inner', { nonceCache: shared })], // one cache object
      [realm('outer', { nonceCache: other }), realm('inner', { existsNonce: createExistsNonce(other) })], // two over it
    ];
    for (const [outer, inner] of setups) {
      const stacked = new Koa();
      const errors: string[] = [];
      stacked.on('error', (error: Error) => errors.push(error.message));
      stacked.use(requireOAuth(outer));
      stacked.use(requireOAuth(inner));
      stacked.use((ctx) => {
        ctx.body = {};
      });
      const res = await request(stacked.callback())
        .get('/anything')
        .set('Host', '127.0.0.1')
        .set('Authorization', sign({ url: 'http://127.0.0.1/anything', who: ME }).header);
      expect(res.status).toBe(500);
      expect(errors).toEqual([expect.stringMatching(/accepted by another guard already/)]);
    }
  });

  it('verifies again where that finds no nonce of its own: another protector, or PLAINTEXT without one recorded', async () => {
    const plain = expectWarning(
      PLAIN_HTTP_NOTICE,
      () => new ResourceProtector({ ...stores(), signatureMethods: ['HMAC-SHA1', 'PLAINTEXT'] }),
    );
    const url = 'http://127.0.0.1/anything';
    const cases: [Koa.Middleware[], string][] = [
      [[requireOAuth(protector), requireOAuth(withoutContext)], sign({ url, who: ME }).header],
      [
        [requireOAuth(plain), requireOAuth(plain)],
        sign({
          url,
          who: ME,
          signatureMethod: 'PLAINTEXT',
          oauth: { oauth_timestamp: undefined, oauth_nonce: undefined },
        }).header,
      ],
    ];
    const nonceOnly = { oauth_timestamp: undefined }; // a nonce without a timestamp is not recorded either
    cases.push([
      [requireOAuth(plain), requireOAuth(plain)],
      sign({ url, who: ME, signatureMethod: 'PLAINTEXT', oauth: nonceOnly }).header,
    ]);
    for (const [guards, authorization] of cases) {
      const stacked = new Koa();
      for (const guard of guards) stacked.use(guard);
      stacked.use((ctx) => {
        ctx.body = { ok: true };
      });
      const res = await request(stacked.callback())
        .get('/anything')
        .set('Host', '127.0.0.1')
        .set('Authorization', authorization);
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { ok: true } });
    }
  });
});

describe('the audit hook', () => {
  it('reports an accepted request with who and how, and never a secret', async () => {
    await request(server)
      .get('/me')
      .set('Authorization', sign({ url: `${base}/me`, who: ME }).header);
    expect(events).toEqual([
      {
        outcome: 'accepted',
        status: 200,
        method: 'GET',
        path: '/me',
        clientId: 'ck',
        token: 'tk',
        signatureMethod: 'HMAC-SHA1',
      },
    ]);
  });

  it('reports a refused request with its error code and the identity it claimed', async () => {
    const forged = sign({ url: `${base}/me`, who: { ...ME, tokenSecret: 'wrong' } });
    await request(server).get('/me').set('Authorization', forged.header);
    await request(server).get('/me');
    expect(events).toEqual([
      {
        outcome: 'refused',
        status: 401,
        error: 'invalid_signature',
        method: 'GET',
        path: '/me',
        clientId: 'ck',
        token: 'tk',
      },
      { outcome: 'refused', status: 401, error: 'missing_credentials', method: 'GET', path: '/me' },
    ]);
    const text = JSON.stringify(events);
    for (const secret of ['cs', 'token-secret', 'wrong', forged.signature]) expect(text).not.toContain(`"${secret}"`);
  });

  it('names a claimed identity only when it could be a credential: not 64 KiB, nor a forged log line', async () => {
    // Refused for their syntax (400), or as unknown clients (401): either way, not named.
    const claims: [string, number][] = [
      ['x\n{"outcome":"accepted"}', 400],
      ['\u001b[31mred', 400],
      ['k'.repeat(256), 400],
      ['a\u2028b', 401],
      ['evil\u202etxt.exe', 401],
    ];
    for (const [claim, status] of claims) {
      const header = sign({ url: `${base}/me`, who: { ...ME, consumerKey: claim } }).header;
      expect((await request(server).get('/me').set('Authorization', header)).status).toBe(status);
    }
    expect(events.map(({ outcome, status, clientId, token }) => ({ outcome, status, clientId, token }))).toEqual(
      claims.map(([, status]) => ({ outcome: 'refused', status, clientId: undefined, token: 'tk' })),
    );
  });

  it("hands the hook the cause of a 503, the store's own error, which the response never shows", async () => {
    const fault = new Error('ECONNREFUSED postgres:5432');
    const seen: AuditEvent[] = [];
    const failing = expectWarning(
      PLAIN_HTTP_NOTICE,
      () =>
        new ResourceProtector({
          ...stores(),
          queryToken: () => Promise.reject(fault),
          audit: (event) => seen.push(event),
        }),
    );
    const app = new Koa().use(requireOAuth(failing)).use((ctx) => {
      ctx.body = {};
    });
    const res = await request(app.callback())
      .get('/me')
      .set('Host', '127.0.0.1')
      .set('Authorization', sign({ url: 'http://127.0.0.1/me', who: ME }).header);
    expect({ status: res.status, error: (res.body as { error?: string }).error }).toEqual({
      status: 503,
      error: 'temporarily_unavailable',
    });
    expect(res.text).not.toContain('postgres');
    expect(seen).toEqual([expect.objectContaining({ outcome: 'refused', status: 503, cause: fault })]);
    // Refusals of the client's own making carry none.
    await request(server).get('/me');
    expect(events[0]).not.toHaveProperty('cause');
  });

  it('names the proven caller of a request refused for its scopes', async () => {
    await request(server)
      .get('/scoped')
      .set('Authorization', sign({ url: `${base}/scoped`, who: ME }).header);
    expect(events).toEqual([
      {
        outcome: 'refused',
        status: 403,
        error: 'insufficient_scope',
        method: 'GET',
        path: '/scoped',
        clientId: 'ck',
        token: 'tk',
      },
    ]);
  });

  it('cannot change an answer by throwing', async () => {
    auditThrows = true;
    const ok = await request(server)
      .get('/me')
      .set('Authorization', sign({ url: `${base}/me`, who: ME }).header);
    expect(ok.status).toBe(200);
    expect((await request(server).get('/me')).status).toBe(401);
    expect(events).toHaveLength(2);
  });
});
