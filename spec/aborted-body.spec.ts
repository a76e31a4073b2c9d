/**
 * A client that goes away while a middleware before the body's reader waits (a session or rate-limit lookup):
 * the request's stream is destroyed and will never emit again, so a reader that waited for its `end` would leave
 * the request pending for good, with every middleware above it (counters, limiters, `finally` blocks). It is
 * refused as a body cut short instead, on each driver and by each reader.
 */
import Router from '@koa/router';
import express4 from 'express';
import express5 from 'express5';
import Koa from 'koa';
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { oauthBodyParser, requireOAuth, type AuditEvent } from '../src';
import { requireOAuth as expressGuard } from '../src/express';
import { plainHttpProtector, WHO } from './support/fixtures';
import { sign } from './support/sign';

const events: AuditEvent[] = [];
const protector = plainHttpProtector({ audit: (event) => events.push(event) });

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** What waits before the body's reader, as a session lookup would. */
const LOOKUP_MS = 100;

let inFlight = 0;
/** The `X-Abandon` numbers of the requests the server has taken: each is reset only once taken. */
const taken = new Set<string>();
let abandoned = 0;

async function listen(handler: RequestListener): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

/** Waits until `settled` holds, for at most two seconds; whether it did. */
async function eventually(settled: () => boolean): Promise<boolean> {
  for (const deadline = Date.now() + 2000; Date.now() < deadline; await wait(20)) if (settled()) return true;
  return settled();
}

/**
 * Sends a signed POST's head and 10 of its 50 body bytes, and resets the connection once the server has taken the
 * request (a reset before that would leave it unread in the kernel, and nothing to test).
 */
async function abandon(port: number): Promise<void> {
  const url = `http://127.0.0.1:${port}/x`;
  const body = 'x'.repeat(50);
  const authorization = sign({ method: 'POST', url, who: WHO, body, bodyHash: true }).header;
  const id = String(++abandoned);
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    `POST /x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: text/plain\r\nContent-Length: 50\r\n` +
      `X-Abandon: ${id}\r\nAuthorization: ${authorization}\r\n\r\n${body.slice(0, 10)}`,
  );
  expect(await eventually(() => taken.has(id))).toBe(true);
  socket.resetAndDestroy();
}

describe.each([
  ['oauthBodyParser()', true],
  ['the guard', false],
])('Koa: a client gone before %s reads its body', (_reader, parser) => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    const app = new Koa();
    app.silent = true;
    app.use(async (ctx, next) => {
      taken.add(ctx.get('x-abandon'));
      inFlight++;
      try {
        await next();
      } finally {
        inFlight--;
      }
    });
    app.use(async (_ctx, next) => {
      await wait(LOOKUP_MS);
      await next();
    });
    if (parser) app.use(oauthBodyParser(protector));
    const router = new Router();
    router.post('/x', requireOAuth(protector), (ctx) => {
      ctx.body = { ok: true };
    });
    app.use(router.routes());
    ({ server, port } = await listen(app.callback()));
  });
  afterAll(() => server.close());

  it('leaves no request pending', async () => {
    await Promise.all([abandon(port), abandon(port), abandon(port)]);
    expect(await eventually(() => inFlight === 0)).toBe(true);
  });
});

describe.each([
  ['Express 4', express4],
  ['Express 5', express5],
])('%s: a client gone before the guard reads its body', (_name, express) => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    const app = express();
    app.use((req, _res, next) => {
      taken.add(String(req.headers['x-abandon']));
      void wait(LOOKUP_MS).then(() => next());
    });
    app.post('/x', expressGuard(protector), (_req, res) => void res.json({ ok: true }));
    app.use((_error: unknown, _req: unknown, _res: unknown, next: () => void) => next()); // no page for the gone
    ({ server, port } = await listen(app as unknown as RequestListener));
  });
  afterAll(() => server.close());

  it('is refused as a body cut short', async () => {
    events.length = 0;
    await abandon(port);
    const refused = () => events.some((event) => event.outcome === 'refused' && event.error === 'invalid_request');
    expect(await eventually(refused)).toBe(true);
  });
});
