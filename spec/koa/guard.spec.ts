/**
 * The Koa guard on a tiny fake context (koa's own recipe for unit tests): what it leaves for the action
 * when it accepts, what it writes when it refuses, and where it takes the body from.
 */
import type { Context } from 'koa';
import { MemoryNonceCache, requireOAuth, ResourceProtector } from '../../src';
import { client, token, WHO } from '../support/fixtures';
import { nodeRequest } from '../support/node-request';
import { formBody, sign } from '../support/sign';

const protector = new ResourceProtector({
  queryClient: () => client,
  queryToken: () => token,
  nonceCache: new MemoryNonceCache(),
  realm: 'unit',
});

interface FakeOptions {
  method?: string;
  target: string;
  headers?: Record<string, string>;
  body?: string;
  /** What a body parser mounted before the guard left on ctx.request, having read the stream. */
  consumed?: { rawBody?: string };
}

/** The parts of a Koa context the guard uses, over a real IncomingMessage. */
function fakeContext(o: FakeOptions) {
  const headers: Record<string, string> = { host: 'api.example.com', ...o.headers };
  if (o.body !== undefined) headers['content-length'] = String(Buffer.byteLength(o.body));
  const req = nodeRequest({ method: o.method, target: o.target, headers, body: o.body });
  if (o.consumed) req.read(); // read by someone else: nothing left in the stream
  const written: Record<string, string> = {};
  const ctx = {
    req,
    originalUrl: o.target,
    app: { proxy: false },
    params: {},
    state: {} as Record<string, unknown>,
    request: { ...o.consumed, query: { koa: 'its own reading' } } as Record<string, unknown>,
    status: 404,
    body: undefined as unknown,
    set: (fields: Record<string, string>) => Object.assign(written, fields),
    written,
  };
  // Koa's socket is TLS here: the guard requires https by default.
  Object.defineProperty(req.socket, 'encrypted', { value: true });
  return ctx;
}

const guard = requireOAuth(protector);
const run = async (ctx: ReturnType<typeof fakeContext>) => {
  let calls = 0;
  await guard(ctx as unknown as Context, async () => {
    calls++;
  });
  return calls;
};

describe('the Koa guard, on a fake context', () => {
  it('accepts: calls next once, leaves the credential, and replaces ctx.query with the verified reading', async () => {
    const target = '/items?a=1&a=2&b=x+y';
    const ctx = fakeContext({
      target,
      headers: { Authorization: sign({ url: `https://api.example.com${target}`, who: WHO }).header },
    });
    expect(await run(ctx)).toBe(1);
    expect(ctx.state.credential).toBe(token);
    expect({ ...(ctx.request.query as object) }).toEqual({ a: ['1', '2'], b: 'x y' });
    expect(Object.getPrototypeOf(ctx.request.query)).toBeNull();
    expect(ctx.request.body).toEqual({});
  });

  it('hands the action the verified form as a flat object, from the bytes it read itself', async () => {
    const form: [string, string][] = [
      ['tag', 'a'],
      ['tag', 'b+c'],
      ['__proto__', 'x'],
    ];
    const ctx = fakeContext({
      method: 'POST',
      target: '/items',
      headers: {
        Authorization: sign({ method: 'POST', url: 'https://api.example.com/items', form, who: WHO }).header,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: formBody(form),
    });
    expect(await run(ctx)).toBe(1);
    expect(Object.entries(ctx.request.body as object)).toEqual([
      ['tag', ['a', 'b+c']],
      ['__proto__', 'x'],
    ]);
  });

  it('takes the body bytes from a parser that read them first and kept them (koa-bodyparser rawBody)', async () => {
    const form: [string, string][] = [['text', 'hello']];
    const ctx = fakeContext({
      method: 'POST',
      target: '/items',
      headers: {
        Authorization: sign({ method: 'POST', url: 'https://api.example.com/items', form, who: WHO }).header,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: formBody(form),
      consumed: { rawBody: formBody(form) },
    });
    expect(await run(ctx)).toBe(1);
    expect({ ...(ctx.request.body as object) }).toEqual({ text: 'hello' });
  });

  it('fails closed (an error, not an open route) when the body was read by a parser that kept nothing', async () => {
    const ctx = fakeContext({
      method: 'POST',
      target: '/items',
      headers: { Authorization: sign({ method: 'POST', url: 'https://api.example.com/items', who: WHO }).header },
      body: 'x=1',
      consumed: {},
    });
    await expect(run(ctx)).rejects.toThrow(/mount oauthBodyParser\(\)/);
  });

  it('refuses: writes the OAuth error, never calls next, and leaves Koa its own reading', async () => {
    const ctx = fakeContext({ target: '/items?a=1' });
    expect(await run(ctx)).toBe(0);
    expect(ctx.status).toBe(401);
    expect(ctx.body).toEqual({
      error: 'missing_credentials',
      error_description: 'The request carries no OAuth credentials.',
    });
    expect(ctx.written).toEqual({
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'WWW-Authenticate': 'OAuth realm="unit"',
    });
    expect(ctx.request.query).toEqual({ koa: 'its own reading' });
    expect(ctx.state.credential).toBeUndefined();
  });
});
