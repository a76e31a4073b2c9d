/**
 * Every limit of a protector is its own setting, and reaches every place that applies it: the guard on each driver,
 * `oauthBodyParser()` on Koa and Express 4, the Express 5 guard reading the body itself, and koa-bodyparser's text on
 * plain Koa. Each is set here far below its default and tested at its edge and one past it, on the six echo apps.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { Limits } from '../src';
import { APP_NAMES, startEchoApps, type AppName, type EchoApps } from './support/echo-app';
import { sign, type SignOptions } from './support/sign';

const LIMITS: Limits = {
  authorizationHeader: 600,
  parameters: 12,
  credentialLength: 24,
  body: 100,
  jsonDepth: 3,
  storeCallsWaiting: 2,
};

/** How long the token store takes to answer the next request, and how often it was called. */
let tokenDelayMs = 0;
let tokenCalls = 0;
const STORE_TIMEOUT_MS = 150;

let apps: EchoApps;
beforeAll(async () => {
  apps = await startEchoApps({
    limits: LIMITS,
    storeTimeoutMs: STORE_TIMEOUT_MS,
    tokenDelayMs: () => (tokenCalls++, tokenDelayMs),
  });
});
afterAll(() => apps.stop());

interface Reply {
  status: number;
  error?: string;
  description?: string;
  retryAfter?: string;
}

/** Signs and sends one request to an app; the reply's OAuth error, if any. */
function send(
  app: AppName,
  path: string,
  o: Partial<SignOptions> & { type?: string; auth?: (header: string) => string } = {},
): Promise<Reply> {
  const port = apps.servers[app].port;
  const signed = sign({ url: `http://127.0.0.1:${port}${path}`, ...o });
  const body = o.form ? new URLSearchParams(o.form).toString() : o.body;
  const headers: Record<string, string> = { Authorization: o.auth ? o.auth(signed.header) : signed.header };
  if (body !== undefined) headers['Content-Type'] = o.type ?? 'application/x-www-form-urlencoded';
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 200) return resolve({ status: 200 });
          const { error, error_description } = JSON.parse(text) as { error: string; error_description: string };
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            error,
            description: error_description,
            ...(retryAfter ? { retryAfter } : {}),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const query = (count: number) => Array.from({ length: count }, (_, i) => `p${i}=${i}`).join('&');
const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const jsonHash = (text: string) => createHash('sha1').update(text).digest('base64');

describe.each(APP_NAMES)('%s: each limit at its edge and one past it', (app) => {
  test("limits.parameters (12): the header's 7 and 5 in the query; one more", async () => {
    expect(await send(app, `/echo/query?${query(5)}`)).toEqual({ status: 200 });
    expect(await send(app, `/echo/query?${query(6)}`)).toEqual({
      status: 400,
      error: 'invalid_request',
      description: 'The request has more than 12 parameters.',
    });
  });

  test('limits.credentialLength (24): a nonce of 24 characters; of 25', async () => {
    // The apps share one protector, and so one nonce store: each app's nonce is its own.
    const nonce = (length: number) => createHash('sha256').update(app).digest('hex').slice(0, length);
    expect(await send(app, '/echo/query', { nonce: nonce(24) })).toEqual({ status: 200 });
    expect(await send(app, '/echo/query', { nonce: nonce(25) })).toMatchObject({
      status: 400,
      error: 'invalid_request',
      description: 'The oauth_nonce is longer than 24 characters.',
    });
  });

  test('limits.authorizationHeader (600): a header of 600 characters; of 601', async () => {
    // The realm (never signed) pads the header to the length wanted.
    const padded = (length: number) => (header: string) =>
      header.replace('realm="demo"', `realm="${'r'.repeat(length - header.length + 'demo'.length)}"`);
    expect(await send(app, '/echo/query', { auth: padded(600) })).toEqual({ status: 200 });
    expect(await send(app, '/echo/query', { auth: padded(601) })).toEqual({
      status: 400,
      error: 'invalid_request',
      description: 'The Authorization header is longer than 600 characters.',
    });
  });

  test('limits.body (100): a form body of 100 bytes; of 101', async () => {
    const form = (bytes: number): [string, string][] => [['b', 'x'.repeat(bytes - 2)]];
    expect(await send(app, '/echo/any', { method: 'POST', form: form(100) })).toEqual({ status: 200 });
    expect(await send(app, '/echo/any', { method: 'POST', form: form(101) })).toMatchObject({
      status: 413,
      error: 'request_too_large',
    });
  });

  test('limits.jsonDepth (3): a signed JSON body 3 levels deep; 4', async () => {
    for (const [levels, status] of [
      [3, 200],
      [4, 400],
    ]) {
      const body = nested(levels);
      const reply = await send(app, '/echo/any', {
        method: 'POST',
        body,
        bodyHash: true,
        type: 'application/json',
        oauth: { oauth_body_hash: jsonHash(body) },
      });
      expect(reply.status).toBe(status);
      if (status === 400)
        expect(reply).toMatchObject({
          error: 'invalid_request',
          description: expect.stringContaining('deeper than 3 levels'),
        });
    }
  });

  test('storeTimeoutMs (150): a token store answering after 30 ms; after 400 ms', async () => {
    tokenDelayMs = 30;
    expect(await send(app, '/echo/query')).toEqual({ status: 200 });
    tokenDelayMs = 400;
    expect(await send(app, '/echo/query')).toMatchObject({
      status: 503,
      error: 'temporarily_unavailable',
      retryAfter: '1',
    });
    tokenDelayMs = 0;
  });

  test('limits.storeCallsWaiting (2): a third token lookup while two wait for the store, past their timeout', async () => {
    await new Promise((resolve) => setTimeout(resolve, 500)); // the last test's lookup, answered by now
    tokenDelayMs = 1000;
    const timedOut = { status: 503, error: 'temporarily_unavailable' };
    const stalled = await Promise.all([send(app, '/echo/query'), send(app, '/echo/query')]);
    expect(stalled).toEqual([expect.objectContaining(timedOut), expect.objectContaining(timedOut)]);
    tokenDelayMs = 0;
    const called = tokenCalls;
    expect(await send(app, '/echo/query')).toMatchObject(timedOut);
    expect(tokenCalls).toBe(called); // refused without asking the store
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the two stalled lookups answer
    expect(await send(app, '/echo/query')).toEqual({ status: 200 });
  });
});
