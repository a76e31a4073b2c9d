/**
 * @RequireOAuth() and @Credential() on routing-controllers' Express driver, on Express 4 and 5, and the plain
 * Express middleware for apps without routing-controllers: the same guard, errors and reading as on Koa.
 */
import 'reflect-metadata';
import { IsString } from 'class-validator';
import express4 from 'express';
import express5 from 'express5';
import multer from 'multer';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Body,
  BodyParam,
  Get,
  JsonController,
  Post,
  QueryParams,
  Req,
  UploadedFile,
  useContainer,
  useExpressServer,
} from 'routing-controllers';
import request from 'supertest';
import { Container, Service } from 'typedi';
import {
  Credential,
  currentCredential,
  MemoryNonceCache,
  RequireOAuth,
  ResourceProtector,
  type Client,
  type ExistsNonce,
  type ResourceProtectorOptions,
  type TokenCredential,
} from '../src';
import { oauthBodyParser, requireOAuth } from '../src/express';
import { loopbackListen } from './support/listen';
import { formBody, sign, type Identity } from './support/sign';
import { expectUnguardedFormLimit } from './support/unguarded-form';

const ME: Identity = { consumerKey: 'ck', consumerSecret: 'cs', token: 'tk', tokenSecret: 'ts' };
const client: Client = { getClientSecret: () => 'cs', getRsaPublicKey: () => undefined };
const token: TokenCredential & { user: string } = {
  user: 'alice',
  getOAuthToken: () => 'tk',
  getOAuthTokenSecret: () => 'ts',
};
let nonceChecks = 0;
const cache = new MemoryNonceCache();
const protectorOptions: ResourceProtectorOptions = {
  queryClient: (id) => (id === 'ck' ? client : undefined),
  queryToken: (id, t) => (id === 'ck' && t === 'tk' ? token : undefined),
  existsNonce: (nonce, timestamp, clientId, tk, { ttlSeconds, nowSeconds }) => {
    nonceChecks++;
    return !cache.setIfAbsent(`${clientId} ${tk} ${timestamp} ${nonce}`, ttlSeconds, nowSeconds);
  },
  realm: 'express',
};
const protector = new ResourceProtector(protectorOptions);

class NoteDto {
  @IsString()
  text!: string;
}

@Service()
@JsonController('/rc')
class ExpressController {
  @Get('/me')
  @RequireOAuth()
  me(@Credential() credential: typeof token) {
    return { user: credential.user, deep: currentCredential<typeof token>()?.user ?? null };
  }

  @Get('/query')
  @RequireOAuth()
  query(@QueryParams() query: Record<string, unknown>, @Req() req: { query: unknown }) {
    return { query, same: query === req.query };
  }

  @Post('/form')
  @RequireOAuth()
  form(@Body() body: Record<string, unknown>, @BodyParam('tag') tag: unknown) {
    return { body, tag };
  }

  @Post('/note')
  @RequireOAuth()
  note(@Body() note: NoteDto) {
    return { text: note.text };
  }
}

@Service()
@JsonController('/class')
@RequireOAuth({ scopes: [] })
class ClassController {
  @Get('/sha256')
  @RequireOAuth({ signatureMethods: ['HMAC-SHA256'] })
  strict(@Credential() credential: typeof token) {
    return { user: credential.user };
  }
}

useContainer(Container);
Container.set(ResourceProtector, protector);

/** Signed over https: the apps below trust a TLS-terminating proxy, which says so in X-Forwarded-Proto. */
const signedHeaders = (
  method: string,
  path: string,
  extra: { form?: [string, string][]; signatureMethod?: string } = {},
) => ({
  Authorization: sign({ method, url: `https://api.example.com${path}`, who: ME, ...extra }).header,
  Host: 'api.example.com',
  'X-Forwarded-Proto': 'https',
});

/** A form POST signed for `form`, sending `sent` (by default the same form; another to be refused). */
const postSignedForm = (app: Parameters<typeof request>[0], path: string, form: [string, string][], sent = form) =>
  request(app)
    .post(path)
    .set(signedHeaders('POST', path, { form }))
    .type('form')
    .send(formBody(sent));

describe.each([
  ['Express 4', express4],
  ['Express 5', express5],
])("@RequireOAuth() on routing-controllers' %s driver", (_name, express) => {
  let server: Server;
  beforeAll(async () => {
    const app = express();
    app.set('trust proxy', 'loopback');
    useExpressServer(app, { controllers: [ExpressController, ClassController], development: false });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => (nonceChecks = 0));

  it('verifies the request; @Credential() and currentCredential() give the credential', async () => {
    const res = await request(server).get('/rc/me').set(signedHeaders('GET', '/rc/me'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: 'alice', deep: 'alice' });
  });

  it('refuses an unsigned request with the OAuth error, its challenge and headers', async () => {
    const res = await request(server).get('/rc/me');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'missing_credentials', error_description: expect.any(String) });
    expect(res.headers['www-authenticate']).toBe('OAuth realm="express"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('hands @QueryParams() and req.query the verified query, flat, not qs-nested', async () => {
    const path = '/rc/query?a%5Bb%5D=1&a%5Bb%5D=2&c=x+y';
    const res = await request(server).get(path).set(signedHeaders('GET', path));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ query: { 'a[b]': ['1', '2'], c: 'x y' }, same: true });
  });

  it("hands @Body() and @BodyParam() the verified form; routing-controllers' body-parser reads nothing again", async () => {
    const form: [string, string][] = [
      ['tag', 'a'],
      ['tag', 'b+c'],
      ['x[y]', '1'],
    ];
    const res = await postSignedForm(server, '/rc/form', form);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ body: { tag: ['a', 'b+c'], 'x[y]': '1' }, tag: ['a', 'b+c'] });
  });

  /** POST /rc/note with a JSON body, signed with its oauth_body_hash. */
  const postNote = (body: string) => {
    const hashed = sign({ method: 'POST', url: 'https://api.example.com/rc/note', who: ME, body, bodyHash: true });
    return request(server)
      .post('/rc/note')
      .set({ ...signedHeaders('POST', '/rc/note'), Authorization: hashed.header })
      .set('Content-Type', 'application/json')
      .timeout(5000)
      .send(body);
  };

  it("hands a DTO the JSON whose oauth_body_hash verified; routing-controllers' body-parser leaves the read stream", async () => {
    const res = await postNote('{"text":"signed"}');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ text: 'signed' });
  });

  it('refuses a JSON body that is not the object the DTO needs, and an unsigned one', async () => {
    const res = await postNote('null');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    const unsigned = await request(server)
      .post('/rc/note')
      .set(signedHeaders('POST', '/rc/note'))
      .set('Content-Type', 'application/json')
      .send('{"text":"x"}');
    expect(unsigned.status).toBe(400);
    expect(unsigned.body.error).toBe('missing_required_parameter');
  });

  it('with a class and a method guard, verifies once, with the method options over the class options', async () => {
    const refused = await request(server).get('/class/sha256').set(signedHeaders('GET', '/class/sha256'));
    expect(refused.body.error).toBe('unsupported_signature_method');
    nonceChecks = 0;
    const res = await request(server)
      .get('/class/sha256')
      .set(signedHeaders('GET', '/class/sha256', { signatureMethod: 'HMAC-SHA256' }));
    expect(res.status).toBe(200);
    expect(nonceChecks).toBe(1);
  });

  it('honours X-Forwarded-Proto only when Express trusts the proxy', async () => {
    const app = express(); // trust proxy off
    useExpressServer(app, { controllers: [ExpressController], development: false });
    const untrusting = app.listen(0, '127.0.0.1');
    try {
      const res = await request(untrusting).get('/rc/me').set(signedHeaders('GET', '/rc/me'));
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('insecure_transport');
    } finally {
      untrusting.close();
    }
  });
});

describe('requireOAuth() and oauthBodyParser() as plain Express middleware', () => {
  const app = express4();
  app.set('trust proxy', 'loopback');
  app.use(oauthBodyParser(protector));
  app.post('/echo', requireOAuth(protector), (req, res) => {
    res.json({ body: req.body, credential: res.locals.credential === token });
  });
  app.post('/open', (req, res) => {
    res.json({ body: req.body });
  });

  it('verifies, and hands the handler the verified form and the credential', async () => {
    const form: [string, string][] = [['text', 'hello']];
    const res = await postSignedForm(app, '/echo', form);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ body: { text: 'hello' }, credential: true });
  });

  it('parses bodies for unguarded routes with the same strict decoders (400 for a malformed form)', async () => {
    expect((await request(app).post('/open').type('form').send('a=1&a=2')).body).toEqual({ body: { a: ['1', '2'] } });
    const malformed = await request(app).post('/open').type('form').send('a=%zz');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBe('invalid_request');
  });

  it("refuses an unguarded form of more parameters than the protector's limit, as the guard would", () =>
    expectUnguardedFormLimit(app, '/open', protector.limits.parameters));

  it('with mirrorUser, also leaves the credential at req.user (and not without it)', async () => {
    const mirroring = new ResourceProtector({
      queryClient: (id) => (id === 'ck' ? client : undefined),
      queryToken: (id, t) => (id === 'ck' && t === 'tk' ? token : undefined),
      nonceCache: new MemoryNonceCache(),
      realm: 'express',
      mirrorUser: true,
    });
    const mirrored = express4();
    mirrored.set('trust proxy', 'loopback');
    for (const [path, guard] of [
      ['/mirrored', requireOAuth(mirroring)],
      ['/plain', requireOAuth(protector)],
    ] as const) {
      mirrored.get(path, guard, (req, res) => {
        res.json({ user: (req as typeof req & { user?: unknown }).user === token });
      });
    }
    for (const [path, user] of [
      ['/mirrored', true],
      ['/plain', false],
    ] as const) {
      const res = await request(mirrored).get(path).set(signedHeaders('GET', path));
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { user } });
    }
  });

  it('fails closed when another body parser read the body first and kept no bytes', async () => {
    const careless = express4();
    careless.use(express4.urlencoded({ extended: true }));
    let served = 0;
    careless.post('/echo', requireOAuth(protector), (_req, res) => {
      served++;
      res.json({});
    });
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- Express knows an error handler by its four parameters
    careless.use((error: Error, _req: unknown, res: express4.Response, _next: unknown) => {
      res.status(500).json({ message: error.message });
    });
    const form: [string, string][] = [['text', 'hello']];
    const res = await postSignedForm(careless, '/echo', form);
    expect(res.status).toBe(500);
    expect(res.body.message).toMatch(/oauthBodyParser\(\)/);
    expect(served).toBe(0);
  });
});

describe.each([
  ['Express 4', express4],
  ['Express 5', express5],
])('on %s, a refusal that comes after something else answered the request', (_name, express) => {
  // A database slower than the app's request timeout (connect-timeout's way: it answers 503 and lets the chain go on).
  const slow = new ResourceProtector({
    queryClient: (id) =>
      new Promise<Client | undefined>((resolve) => setTimeout(() => resolve(id === 'ck' ? client : undefined), 60)),
    queryToken: (id, t) => (id === 'ck' && t === 'tk' ? token : undefined),
    nonceCache: new MemoryNonceCache(),
    realm: 'express',
  });
  const app = express();
  app.set('trust proxy', 'loopback');
  const timeout = (_req: unknown, res: express4.Response, next: () => void) => {
    const timer = setTimeout(() => res.headersSent || res.status(503).json({ error: 'timeout' }), 20);
    res.on('finish', () => clearTimeout(timer));
    next();
  };
  app.use(oauthBodyParser(slow));
  app.post('/echo', timeout, requireOAuth(slow), (_req: unknown, res: express4.Response) => {
    if (!res.headersSent) res.json({});
  });
  // A handler that cannot take the verified reading: res.locals frozen by a middleware of the app's.
  app.post('/frozen', (_req: unknown, res: express4.Response, next: () => void) => {
    Object.freeze(res.locals);
    next();
  });
  app.post('/frozen', requireOAuth(slow), (_req: unknown, res: express4.Response) => {
    res.json({});
  });
  const errors: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- Express knows an error handler by its four parameters
  app.use((error: Error, _req: unknown, res: express4.Response, _next: unknown) => {
    errors.push(error.name);
    if (!res.headersSent) res.status(500).json({});
  });
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => process.off('unhandledRejection', onUnhandled));
  beforeEach(() => (errors.length = 0));

  it('writes nothing and leaves no rejection unhandled (which would end the process)', async () => {
    const form: [string, string][] = [['text', 'hello']];
    // Signed for another body: refused once the client store answers, 40 ms after the timeout's 503.
    const res = await postSignedForm(app, '/echo', form, [['text', 'changed']]);
    expect({ status: res.status, body: res.body }).toEqual({ status: 503, body: { error: 'timeout' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect({ unhandled, errors }).toEqual({ unhandled: [], errors: [] });
  });

  it('cuts off a response whose head was sent but not its end, rather than leave it open', async () => {
    const streaming = express();
    streaming.get(
      '/events',
      (_req: unknown, res: express4.Response, next: () => void) => {
        res.setHeader('Content-Type', 'text/event-stream');
        res.flushHeaders();
        next();
      },
      requireOAuth(slow),
      (_req: unknown, res: express4.Response) => res.end('data: for OAuth clients only\n\n'),
    );
    await expect(request(streaming).get('/events').timeout(2000)).rejects.toThrow(/socket hang up|aborted|ECONNRESET/);
  });

  it('hands what accepting a request throws after an asynchronous store to the error handler', async () => {
    const res = await request(app).post('/frozen').set(signedHeaders('POST', '/frozen'));
    expect(res.status).toBe(500);
    expect({ unhandled, errors }).toEqual({ unhandled: [], errors: ['TypeError'] });
  });
});

describe.each([
  ['Express 4', express4],
  ['Express 5', express5],
])('on %s without oauthBodyParser(), an optional route', (_name, express) => {
  const listen = loopbackListen();
  const app = express();
  app.set('trust proxy', 'loopback');
  const optional = requireOAuth(protector, { optional: true });
  const reply = (req: express4.Request, res: express4.Response) =>
    res.json({ body: req.body ?? null, credential: res.locals.credential === token });
  app.post('/json', optional, express4.json(), reply);
  app.post('/form', optional, express4.urlencoded({ extended: false }), reply);
  app.post('/upload', optional, multer().single('f'), (req: express4.Request, res: express4.Response) =>
    res.json({
      file: (req as express4.Request & { file?: { buffer: Buffer } }).file?.buffer.toString() ?? null,
      credential: res.locals.credential === token,
    }),
  );

  it('leaves an anonymous upload unread for the upload parser after the guard', async () => {
    const upload = () => request(app).post('/upload').attach('f', Buffer.from('hello'), 'f.txt');
    // The guard read it looking for credentials, which a multipart body cannot hold: multer found it used up, a 500.
    expect((await upload()).body).toEqual({ file: 'hello', credential: false });
    // A request that may be signed is still verified, its body with it: a multipart one needs its oauth_body_hash.
    const forged = sign({ method: 'POST', url: 'http://127.0.0.1/upload', who: { ...ME, tokenSecret: 'wrong' } });
    const refused = await upload().set('X-Forwarded-Proto', 'https').set('Authorization', forged.header);
    expect({ status: refused.status, error: refused.body.error }).toEqual({
      status: 400,
      error: 'missing_required_parameter',
    });
  });

  it('keeps the body a parser before the guard served, as a middleware since changed it', async () => {
    const parsed = express();
    parsed.use(oauthBodyParser(protector));
    parsed.use((req: express4.Request, _res: unknown, next: () => void) => {
      req.body = { ...req.body, seen: true };
      next();
    });
    parsed.post('/json', optional, reply);
    const res = await request(parsed).post('/json').send({ a: 1 });
    expect(res.body).toEqual({ body: { a: 1, seen: true }, credential: false });
  });

  it('hands a request without credentials its body, which the guard read looking for them', async () => {
    const json = await request(app).post('/json').send({ a: 1 });
    expect({ status: json.status, body: json.body }).toEqual({
      status: 200,
      body: { body: { a: 1 }, credential: false },
    });
    const form = await request(app).post('/form').type('form').send('a=1&b=x+y');
    expect(form.body).toEqual({ body: { a: '1', b: 'x y' }, credential: false });
  });

  it('reads an empty JSON body as none however it is framed (chunked, Content-Length: 00), as the guard did', async () => {
    const { port } = (await listen(app)).address() as AddressInfo;
    const post = (headers: Record<string, string>) =>
      new Promise<{ status?: number; body: string }>((resolve, reject) => {
        const req = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/json', headers }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode, body }));
        });
        req.on('error', reject).end();
      });
    for (const framing of <Record<string, string>[]>[
      { 'transfer-encoding': 'chunked' },
      { 'content-length': '00' },
      { 'content-length': '0' },
    ]) {
      const res = await post({ 'content-type': 'application/json', ...framing });
      expect({ status: res.status, body: JSON.parse(res.body) as unknown }).toEqual({
        status: 200,
        body: { body: {}, credential: false },
      });
    }
  });

  it('refuses a malformed body as the OAuth error, and verifies a signed request as ever', async () => {
    const malformed = await request(app).post('/json').type('json').send('{"a":');
    expect({ status: malformed.status, error: malformed.body.error }).toEqual({
      status: 400,
      error: 'invalid_request',
    });
    const form: [string, string][] = [['text', 'hello']];
    const signed = await postSignedForm(app, '/form', form);
    expect(signed.body).toEqual({ body: { text: 'hello' }, credential: true });
  });
});

/** Ends `app` with an error handler that answers 500 and keeps each error's message. */
function logErrors(app: express4.Express): string[] {
  const errors: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- Express knows an error handler by its four parameters
  app.use((error: Error, _req: unknown, res: express4.Response, _next: unknown) => {
    errors.push(error.message);
    if (!res.headersSent) res.status(500).json({});
  });
  return errors;
}

@Service()
@JsonController('/uploads')
class UploadController {
  @Post('/file')
  @RequireOAuth()
  file(@UploadedFile('f') file: unknown) {
    return { file: file !== undefined };
  }
}

describe('a guarded action that takes an upload', () => {
  it('is a TypeError before any verification, not a request accepted and then lost to a used-up stream', async () => {
    const app = express4();
    app.set('trust proxy', 'loopback');
    useExpressServer(app, { controllers: [UploadController], development: false });
    const errors = logErrors(app);
    nonceChecks = 0;
    const res = await request(app).post('/uploads/file').set(signedHeaders('POST', '/uploads/file'));
    expect(res.status).toBe(500);
    expect(errors).toEqual([expect.stringMatching(/UploadController\.file takes an upload/)]);
    expect(nonceChecks).toBe(0);
  });
});

describe('two guards on one Express request', () => {
  it('is a TypeError naming the mistake, not the request refused as a replay of its own nonce', async () => {
    const app = express4();
    app.set('trust proxy', 'loopback');
    const admin = express4.Router();
    admin.use(requireOAuth(protector)); // the router's guard, then the route's with a scope
    admin.get('/x', requireOAuth(protector, { scopes: [] }), (_req, res) => {
      res.json({});
    });
    app.use('/admin', admin);
    const errors = logErrors(app);
    const res = await request(app).get('/admin/x').set(signedHeaders('GET', '/admin/x'));
    expect(res.status).toBe(500);
    expect(errors).toEqual([expect.stringMatching(/accepted by another guard already/)]);
  });

  it("is the same TypeError where the second guard's protector keeps its nonces where the first's does", async () => {
    const app = express4();
    app.set('trust proxy', 'loopback');
    const sameNonces = new ResourceProtector({
      ...protectorOptions,
      existsNonce: (...args) => (protectorOptions.existsNonce as ExistsNonce)(...args), // another function, one cache
      realm: 'other',
    });
    app.get('/x', requireOAuth(protector), requireOAuth(sameNonces), (_req, res) => void res.json({}));
    const errors = logErrors(app);
    const res = await request(app).get('/x').set(signedHeaders('GET', '/x'));
    expect(res.status).toBe(500);
    expect(errors).toEqual([expect.stringMatching(/accepted by another guard already/)]);
  });
});

describe('the Express middleware types', () => {
  it("fit Express's own RequestHandler (@types/express 5), so they can be declared as one", () => {
    const guard: express4.RequestHandler = requireOAuth(protector);
    const parser: express4.RequestHandler = oauthBodyParser(protector);
    expect([typeof guard, typeof parser]).toEqual(['function', 'function']);
  });
});
