/**
 * Development diagnosis of refused signatures: logged server side with hints, never in a response.
 */
import Router from '@koa/router';
import Koa from 'koa';
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  createExistsNonce,
  MemoryNonceCache,
  oauthBodyParser,
  requireOAuth,
  ResourceProtector,
  type Client,
  type SignatureReport,
  type TokenCredential,
} from '../src';
import { formatSignatureReport } from '../src/core';
import * as baseString from '../src/rfc5849/base-string';
import {
  DEBUG_SIGNATURES_HOOK_NOTICE,
  DEBUG_SIGNATURES_NOTICE,
  expectWarning,
  PLAIN_HTTP_NOTICE,
} from './support/console';
import { formBody, sign, type Identity } from './support/sign';

const client: Client = { getClientSecret: () => 'cs', getRsaPublicKey: () => undefined };
const token: TokenCredential = { getOAuthToken: () => 'tk', getOAuthTokenSecret: () => 'ts' };
const ME: Identity = { consumerKey: 'ck', consumerSecret: 'cs', token: 'tk', tokenSecret: 'ts' };

const reports: SignatureReport[] = [];
const stores = {
  queryClient: (id: string) => (id === 'ck' ? client : undefined),
  queryToken: (id: string, t: string) => (id === 'ck' && t === 'tk' ? token : undefined),
  existsNonce: createExistsNonce(new MemoryNonceCache()),
  allowInsecureTransport: true,
};

async function serve(protector: ResourceProtector): Promise<{ server: Server; base: string }> {
  const router = new Router();
  router.all('/me', requireOAuth(protector), (ctx) => {
    ctx.body = { ok: true };
  });
  const app = new Koa();
  app.use(oauthBodyParser(protector)).use(router.routes());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

let server: Server;
let base: string;
beforeAll(async () => {
  const protector = expectWarning(
    [PLAIN_HTTP_NOTICE, DEBUG_SIGNATURES_HOOK_NOTICE],
    () => new ResourceProtector({ ...stores, debugSignatures: (r) => reports.push(r) }),
  );
  ({ server, base } = await serve(protector));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  reports.length = 0;
});

describe('debugSignatures', () => {
  it('explains a request signed for https behind a proxy the app does not trust', async () => {
    const signed = sign({ url: 'https://api.example.com/me', who: ME });
    const res = await request(server)
      .get('/me')
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'api.example.com')
      .set('Authorization', signed.header);
    expect(res.status).toBe(401);
    expect(reports).toHaveLength(1);
    const [report] = reports;
    expect(report.uri).toBe(`${base}/me`);
    expect(report.baseString).toBe(
      signed.baseString.replace(encodeURIComponent('https://api.example.com'), encodeURIComponent(base)),
    );
    expect(report.parameters).toContain('oauth_consumer_key=ck');
    expect(report.hints.join('\n')).toMatch(
      /X-Forwarded-Proto and X-Forwarded-Host were ignored because the app does not trust its proxy \(Koa: app.proxy is false/,
    );
    expect(report.hints.join('\n')).toMatch(/plain http/);
    expect(report.hints.join('\n')).toMatch(/port \d+/);
    // The response says nothing of it.
    expect(res.text).not.toContain(report.baseString);
    expect(res.text).not.toContain('oauth_consumer_key=');
    expect(Object.keys(res.body)).toEqual(['error', 'error_description']);
  });

  it('explains a body parameter that was signed but sent without the form Content-Type', async () => {
    const form: [string, string][] = [['text', 'hello']];
    const signed = sign({ method: 'POST', url: `${base}/me`, form, who: ME });
    const res = await request(server)
      .post('/me')
      .set('Authorization', signed.header)
      .set('Content-Type', 'text/plain')
      .send(formBody(form));
    // Not a form, so its parameters are not signed, and the body is covered by nothing: refused before the
    // signature, and the answer says why.
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('missing_required_parameter');
    expect(res.body.error_description).toMatch(/not form-encoded/);
    // With the form-like body hashed, the signature is checked, and the report explains the Content-Type.
    const hashed = sign({ method: 'POST', url: `${base}/me`, form, who: ME, body: formBody(form), bodyHash: true });
    const refused = await request(server)
      .post('/me')
      .set('Authorization', hashed.header)
      .set('Content-Type', 'text/plain')
      .send(formBody(form));
    expect(refused.status).toBe(401);
    const [report] = reports;
    expect(report.parameters).not.toContain('text=hello');
    expect(report.hints.join('\n')).toMatch(/looks form-encoded but its Content-Type is text\/plain/);
    expect(refused.text).not.toContain(report.baseString);
  });

  it("gives the body's own hash, once, when the oauth_body_hash does not match it", async () => {
    const signed = sign({ method: 'POST', url: `${base}/me`, who: ME, body: 'signed', bodyHash: true });
    const res = await request(server)
      .post('/me')
      .set('Authorization', signed.header)
      .set('Content-Type', 'text/plain')
      .send('sent!!');
    expect(res.status).toBe(401);
    const sha1 = createHash('sha1').update('sent!!').digest('base64');
    expect(reports.at(-1)?.hints.filter((hint) => hint.startsWith("the body's"))).toEqual([
      `the body's sha1 is ${sha1}`,
    ]);
  });

  it('spots a value that was percent-encoded twice', async () => {
    const forged = sign({ url: `${base}/me?q=a%2520b`, who: { ...ME, tokenSecret: 'x' } });
    await request(server).get('/me?q=a%2520b').set('Authorization', forged.header);
    expect(reports.at(-1)?.hints.join('\n')).toMatch(/percent-encode it twice/);
  });

  it('with true, logs the report with console.warn in the layout of formatSignatureReport', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const logged = await serve(new ResourceProtector({ ...stores, debugSignatures: true }));
    try {
      const forged = sign({ url: `${logged.base}/me`, who: { ...ME, tokenSecret: 'wrong' } });
      await request(logged.server).get('/me').set('Authorization', forged.header);
      const text = warn.mock.calls.map((call) => String(call[0])).join('\n');
      expect(warn.mock.calls.map((call) => String(call[0]))).toContainEqual(
        expect.stringMatching(DEBUG_SIGNATURES_NOTICE),
      );
      expect(text).toContain('signature refused');
      expect(text).toContain(`uri:         ${logged.base}/me`);
      expect(text).toContain('base string: GET&');
    } finally {
      warn.mockRestore();
      await new Promise((resolve) => logged.server.close(resolve));
    }
  });

  it('is off by default: nothing is logged, and no report is made', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const normalize = jest.spyOn(baseString, 'normalizeParameters');
    const quiet = await serve(new ResourceProtector({ ...stores, allowInsecureTransport: true }));
    warn.mockClear();
    try {
      const forged = sign({ url: `${quiet.base}/me`, who: { ...ME, tokenSecret: 'wrong' } });
      expect((await request(quiet.server).get('/me').set('Authorization', forged.header)).status).toBe(401);
      expect(warn).not.toHaveBeenCalled();
      // The parameters are sorted again only for a report someone reads.
      expect(normalize).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      normalize.mockRestore();
      await new Promise((resolve) => quiet.server.close(resolve));
    }
  });

  it('formats reports line by line', () => {
    expect(
      formatSignatureReport({
        method: 'GET',
        uri: 'http://a/',
        parameters: ['a=1', 'b=2'],
        baseString: 'GET&x&y',
        hints: ['h'],
      }),
    ).toBe('method:      GET\nuri:         http://a/\nparameters:\n  a=1\n  b=2\nbase string: GET&x&y\nhint: h');
  });
});
