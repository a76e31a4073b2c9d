/**
 * The README's signRequest recipes, run: "Signing requests in your tests" (supertest against a guarded Koa
 * route) and "LTI 1.1 outcomes (replaceResult)" (a tool signs an XML body with oauth_body_hash; the platform's
 * two-legged protector verifies it).
 */
import Router from '@koa/router';
import Koa from 'koa';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  createExistsNonce,
  MemoryNonceCache,
  oauthBodyParser,
  requireOAuth,
  ResourceProtector,
  signRequest,
  type Client,
  type TokenCredential,
} from '../src';

// The protectors below say at start that plain http is allowed: the test servers speak http.
jest.spyOn(console, 'warn').mockImplementation(() => undefined);

/** A Koa app with oauthBodyParser() and the router, on a free port; the URL a client signs is the one the server sees. */
async function serve(protector: ResourceProtector, router: Router): Promise<{ server: Server; base: string }> {
  const app = new Koa();
  app.use(oauthBodyParser(protector));
  app.use(router.routes());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('README: Signing requests in your tests', () => {
  const client: Client = { getClientSecret: () => 'demo-client-secret', getRsaPublicKey: () => undefined };
  const token: TokenCredential & { user: string } = {
    user: 'alice',
    getOAuthToken: () => 'demo-token',
    getOAuthTokenSecret: () => 'demo-token-secret',
  };
  const protector = new ResourceProtector({
    queryClient: (key) => (key === 'demo-client' ? client : undefined),
    queryToken: (key, t) => (key === 'demo-client' && t === 'demo-token' ? token : undefined),
    existsNonce: createExistsNonce(new MemoryNonceCache()),
    allowInsecureTransport: true, // the test server speaks plain http
  });
  const alice = {
    consumerKey: 'demo-client',
    consumerSecret: 'demo-client-secret',
    token: 'demo-token',
    tokenSecret: 'demo-token-secret',
  };

  let server: Server;
  let base: string;
  beforeAll(async () => {
    const router = new Router();
    router.get('/api/me', requireOAuth(protector), (ctx) => {
      ctx.body = { user: (ctx.state.credential as typeof token).user };
    });
    router.post('/api/notes', requireOAuth(protector), (ctx) => {
      ctx.body = { note: (ctx.request as typeof ctx.request & { body: { text: string } }).body.text };
    });
    ({ server, base } = await serve(protector, router));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('GET /api/me answers the signed-in user', async () => {
    const signed = signRequest({ method: 'GET', url: `${base}/api/me`, ...alice });
    const res = await request(server).get('/api/me').set(signed.headers);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: 'alice' });
  });

  it('POST /api/notes with a signed form body', async () => {
    const signed = signRequest({ method: 'POST', url: `${base}/api/notes`, form: [['text', 'hello & bye']], ...alice });
    const res = await request(server).post('/api/notes').set(signed.headers).send(signed.body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ note: 'hello & bye' });
  });

  it('the same request signed with another secret is refused', async () => {
    const signed = signRequest({ method: 'GET', url: `${base}/api/me`, ...alice, tokenSecret: 'wrong' });
    const res = await request(server).get('/api/me').set(signed.headers);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_signature');
  });
});

describe('README: LTI 1.1 outcomes (replaceResult)', () => {
  /** The tool's consumer key and secret, as the platform registered them. */
  const tool: Client = { getClientSecret: () => 'tool-secret', getRsaPublicKey: () => undefined };
  const platform = new ResourceProtector({
    queryClient: (key) => (key === 'tool-key' ? tool : undefined),
    queryToken: () => undefined,
    existsNonce: createExistsNonce(new MemoryNonceCache()),
    twoLegged: true, // outcome calls carry no token
    allowInsecureTransport: true,
  });

  const replaceResult = (sourcedId: string, score: number) => `<?xml version="1.0" encoding="UTF-8"?>
<imsx_POXEnvelopeRequest xmlns="http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0">
  <imsx_POXHeader><imsx_POXRequestHeaderInfo>
    <imsx_version>V1.0</imsx_version><imsx_messageIdentifier>${Date.now()}</imsx_messageIdentifier>
  </imsx_POXRequestHeaderInfo></imsx_POXHeader>
  <imsx_POXBody><replaceResultRequest><resultRecord>
    <sourcedGUID><sourcedId>${sourcedId}</sourcedId></sourcedGUID>
    <result><resultScore><language>en</language><textString>${score}</textString></resultScore></result>
  </resultRecord></replaceResultRequest></imsx_POXBody>
</imsx_POXEnvelopeRequest>`;

  let server: Server;
  let base: string;
  beforeAll(async () => {
    const router = new Router();
    router.post('/lti/outcomes', requireOAuth(platform), (ctx) => {
      // The exact bytes the body hash covered, kept by oauthBodyParser.
      const xml = (ctx.request as typeof ctx.request & { rawBody: string }).rawBody;
      ctx.body = {
        consumer: ctx.state.oauth.clientId,
        sourcedId: /<sourcedId>([^<]*)</.exec(xml)?.[1],
        score: /<textString>([^<]*)</.exec(xml)?.[1],
      };
    });
    ({ server, base } = await serve(platform, router));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const signOutcome = (body: string) =>
    signRequest({
      method: 'POST',
      url: `${base}/lti/outcomes`, // the launch's lis_outcome_service_url
      consumerKey: 'tool-key',
      consumerSecret: 'tool-secret',
      body,
      contentType: 'application/xml',
    });

  it('the tool signs the XML with HMAC-SHA1 and oauth_body_hash, without a token; the platform verifies it', async () => {
    const xml = replaceResult('3124567', 0.92);
    const signed = signOutcome(xml);
    expect(signed.headers.Authorization).toContain('oauth_signature_method="HMAC-SHA1"');
    expect(signed.headers.Authorization).not.toContain('oauth_token');
    const hash = createHash('sha1').update(xml).digest('base64');
    expect(signed.headers.Authorization).toContain(`oauth_body_hash="${encodeURIComponent(hash)}"`);

    const res = await request(server).post('/lti/outcomes').set(signed.headers).send(signed.body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ consumer: 'tool-key', sourcedId: '3124567', score: '0.92' });
  });

  it('a score changed after signing no longer matches the body hash', async () => {
    const signed = signOutcome(replaceResult('3124567', 0.5));
    const forged = String(signed.body).replace('<textString>0.5<', '<textString>1<');
    const res = await request(server).post('/lti/outcomes').set(signed.headers).send(forged);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_signature');
  });
});
