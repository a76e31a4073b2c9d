/**
 * `req.body` of a guarded Express request is the verified body, served by an accessor on the app's request
 * prototype instead of a property added to each request (src/express/served-body.ts): what handlers read, on
 * Express 4 and 5, and what it leaves alone.
 */
import express4 from 'express';
import express5 from 'express5';
import { IncomingMessage } from 'node:http';
import request from 'supertest';
import { MemoryNonceCache, ResourceProtector, type Client, type TokenCredential } from '../../src';
import { oauthBodyParser, requireOAuth } from '../../src/express';
import { serveVerifiedBody } from '../../src/express/served-body';
import type { GuardedRequest } from '../../src/protector/guard-request';
import { formBody, sign, type Identity } from '../support/sign';

const ME: Identity = { consumerKey: 'ck', consumerSecret: 'cs', token: 'tk', tokenSecret: 'ts' };
const client: Client = { getClientSecret: () => 'cs', getRsaPublicKey: () => undefined };
const token: TokenCredential = {
  getOAuthToken: () => 'tk',
  getOAuthTokenSecret: () => 'ts',
  getClientId: () => 'ck',
};
const protector = new ResourceProtector({
  queryClient: (id) => (id === 'ck' ? client : undefined),
  queryToken: (id, t) => (id === 'ck' && t === 'tk' ? token : undefined),
  nonceCache: new MemoryNonceCache(),
});

const signed = (method: string, path: string, form?: [string, string][]) => ({
  Authorization: sign({ method, url: `https://api.example.com${path}`, who: ME, form }).header,
  Host: 'api.example.com',
  'X-Forwarded-Proto': 'https',
});

type Req = { body?: unknown };
type Res = { locals: Record<string, unknown>; json(body: unknown): void };
/** What a handler saw of req.body. */
const seen = (req: Req, res: Res) => {
  const oauth = res.locals.oauth as GuardedRequest | undefined;
  return {
    body: req.body ?? null,
    verified: oauth !== undefined && req.body === oauth.body,
    own: Object.hasOwn(req, 'body'),
  };
};

describe.each([
  ['Express 4', express4],
  ['Express 5', express5],
])('req.body on %s', (_name, express) => {
  function app(parser = true) {
    const made = express();
    made.set('trust proxy', 'loopback');
    if (parser) made.use(oauthBodyParser(protector));
    const guard = requireOAuth(protector);
    made.get('/get', guard, (req: Req, res: Res) => res.json(seen(req, res)));
    // Read a turn later, when other requests have been guarded in between.
    made.post('/post', guard, (req: Req, res: Res) => setImmediate(() => res.json(seen(req, res))));
    made.get('/open', (req: Req, res: Res) => res.json(seen(req, res)));
    made.get('/assigning', guard, (req: Req, res: Res) => {
      req.body = 'assigned';
      res.json(seen(req, res));
    });
    return made;
  }

  it('is the verified {} of a bodiless request, and no property of the request', async () => {
    const res = await request(app()).get('/get').set(signed('GET', '/get'));
    expect(res.body).toEqual({ body: {}, verified: true, own: false });
  });

  it.each([
    ['oauthBodyParser() read it (and set req.body)', true],
    ['the guard read it', false],
  ])('is the verified form of a form request when %s', async (_how, parser) => {
    const form: [string, string][] = [['text', 'hello']];
    const res = await request(app(parser))
      .post('/post')
      .set(signed('POST', '/post', form))
      .type('form')
      .send(formBody(form));
    expect(res.body).toEqual({ body: { text: 'hello' }, verified: true, own: parser });
  });

  it("is each request's own when requests are in flight together", async () => {
    const served = app(false);
    const texts = Array.from({ length: 20 }, (_, i) => `text ${i}`);
    const bodies = await Promise.all(
      texts.map(async (text) => {
        const form: [string, string][] = [['text', text]];
        const res = await request(served)
          .post('/post')
          .set(signed('POST', '/post', form))
          .type('form')
          .send(formBody(form));
        return (res.body as { body: { text: string } }).body.text;
      }),
    );
    expect(bodies).toEqual(texts);
  });

  it('is undefined on an unguarded route of the same app, as without the guard', async () => {
    const served = app();
    await request(served).get('/get').set(signed('GET', '/get')).expect(200);
    const res = await request(served).get('/open');
    expect(res.body).toEqual({ body: null, verified: false, own: false });
  });

  it('is read from the verified request alone, never from what res.locals.oauth says', async () => {
    const served = app();
    const planting = (_req: Req, res: Res, next: () => void) => {
      res.locals.oauth = { body: { planted: true } };
      next();
    };
    served.get('/planted-open', planting, (req: Req, res: Res) => res.json({ body: req.body ?? null }));
    served.get('/planted-guarded', requireOAuth(protector), planting, (req: Req, res: Res) =>
      res.json({ body: req.body ?? null }),
    );
    await request(served).get('/get').set(signed('GET', '/get')).expect(200);
    expect((await request(served).get('/planted-open')).body).toEqual({ body: null });
    const guarded = await request(served).get('/planted-guarded').set(signed('GET', '/planted-guarded'));
    expect(guarded.body).toEqual({ body: {} });
  });

  it('is undefined, not another reading, on a guarded request handed to an app that is not mounted', async () => {
    const inner = express();
    inner.get('/get', (req: Req, res: Res) => res.json(seen(req, res)));
    const outer = app();
    outer.use('/handed', requireOAuth(protector), (req: unknown, res: unknown, next: () => void) =>
      (inner as unknown as (req: unknown, res: unknown, next: () => void) => void)(req, res, next),
    );
    const res = await request(outer).get('/handed/get').set(signed('GET', '/handed/get'));
    expect(res.body).toEqual({ body: null, verified: false, own: false });
  });

  it('is what the handler assigns, once assigned', async () => {
    const res = await request(app()).get('/assigning').set(signed('GET', '/assigning'));
    expect(res.body).toEqual({ body: 'assigned', verified: false, own: true });
  });

  it('is read the same way in every app of a mounted tree, whichever app guarded first', async () => {
    for (const parentFirst of [false, true]) {
      const parent = express();
      parent.set('trust proxy', 'loopback');
      const sub = express();
      const guard = requireOAuth(protector);
      sub.get('/in', guard, (req: Req, res: Res) => res.json(seen(req, res)));
      // Guarded in the mounted app, then handled by the parent after the request has left it.
      sub.get('/through', guard, (_req: unknown, _res: unknown, next: () => void) => next());
      parent.use('/sub', sub);
      parent.get('/sub/through', (req: Req, res: Res) => res.json(seen(req, res)));
      parent.get('/top', guard, (req: Req, res: Res) => res.json(seen(req, res)));
      const get = async (path: string) => (await request(parent).get(path).set(signed('GET', path))).body as object;
      if (parentFirst) expect(await get('/top')).toEqual({ body: {}, verified: true, own: false });
      expect(await get('/sub/in')).toEqual({ body: {}, verified: true, own: false });
      expect(await get('/sub/through')).toEqual({ body: {}, verified: true, own: false });
      expect(await get('/top')).toEqual({ body: {}, verified: true, own: false });
      expect([Object.hasOwn(parent.request, 'body'), Object.hasOwn(sub.request, 'body')]).toEqual([true, false]);
    }
  });

  it("cannot be replaced or deleted on the app's request: a guarded request still reads its verified body", async () => {
    const served = app();
    await request(served).get('/get').set(signed('GET', '/get')).expect(200);
    const proto = served.request as Req;
    expect(() => (proto.body = { planted: true })).toThrow(TypeError);
    expect(() => delete proto.body).toThrow(TypeError);
    const res = await request(served).get('/get').set(signed('GET', '/get'));
    expect(res.body).toEqual({ body: {}, verified: true, own: false });
  });

  it('replaces a body that a middleware before the guard set', async () => {
    const made = express();
    made.set('trust proxy', 'loopback');
    made.use((req: Req, _res: unknown, next: () => void) => {
      req.body = { unverified: true };
      next();
    });
    made.get('/get', requireOAuth(protector), (req: Req, res: Res) => res.json(seen(req, res)));
    const res = await request(made).get('/get').set(signed('GET', '/get'));
    expect(res.body).toEqual({ body: {}, verified: true, own: true });
  });
});

describe('serveVerifiedBody() outside an Express app', () => {
  const guarded = { body: { verified: true } } as unknown as GuardedRequest;

  it("gives a request whose prototype is not an app's request an own property, and leaves Node's prototype alone", () => {
    const req = new IncomingMessage(null as never) as IncomingMessage & Req;
    serveVerifiedBody(req as never, guarded);
    expect(Object.hasOwn(req, 'body')).toBe(true);
    expect(req.body).toBe(guarded.body);
    expect('body' in IncomingMessage.prototype).toBe(false);
  });

  it('reads undefined, without throwing, on a request of the app whose res or res.locals is not an object', () => {
    const proto = { app: {} };
    serveVerifiedBody(Object.create(proto) as never, guarded);
    expect(Object.getOwnPropertyDescriptor(proto, 'body')?.get).toEqual(expect.any(Function));
    for (const res of [undefined, { locals: null }, { locals: 1 }]) {
      expect((Object.assign(Object.create(proto), { res }) as Req).body).toBeUndefined();
    }
  });

  it('does not replace a body that the prototype already defines', () => {
    const proto = { app: {}, body: 'the app own' };
    const req = Object.create(proto) as Req;
    serveVerifiedBody(req as never, guarded);
    expect(req.body).toBe(guarded.body);
    expect(proto.body).toBe('the app own');
  });
});
