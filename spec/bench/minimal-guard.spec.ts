/**
 * The bench's yardstick GET /minimal-guard stands for the guard's contract with the minimal verifier's checks: it must
 * hand the action what the guard hands it (`@Credential()`, `currentCredential()`, the verified query in place of the
 * framework's), and refuse what the minimal verifier refuses, or its cost would stand for less than the guard's.
 */
import 'reflect-metadata';
import express from 'express';
import Koa from 'koa';
import request from 'supertest';
import type { Server } from 'node:http';
import { BenchClient, BenchToken, createBenchApp, type Driver } from '../../bench/app';
import { HMAC_IDENTITY as who } from '../../bench/support/identities';
import { minimalGuard } from '../../bench/support/minimal-guard';
import { currentCredential } from '../../src';
import { expectWarning, PLAIN_HTTP_NOTICE } from '../support/console';
import { plainHttpProtector } from '../support/fixtures';
import { sign } from '../support/sign';

const URL = 'http://bench.test/minimal-guard';
const signed = (url = URL) => sign({ url, who, realm: 'bench' }).header;

const client = new BenchClient(who.consumerKey, who.consumerSecret, undefined);
const token = new BenchToken(who.consumerKey, who.token ?? '', who.tokenSecret ?? '');
// Loopback plain http, as the bench's.
const protector = plainHttpProtector({ queryClient: () => client, queryToken: () => token });

/** What the action reads after the middleware, on each driver's own app. */
const apps: Record<Driver, () => Parameters<typeof request>[0]> = {
  koa: () => {
    const app = new Koa();
    app.use(minimalGuard(who, protector, client, token) as Koa.Middleware);
    app.use((ctx) => {
      const state = ctx.state as { credential?: unknown };
      ctx.body = { current: currentCredential() === token, state: state.credential === token, query: ctx.query };
    });
    return app.callback();
  },
  express: () => {
    const app = express();
    app.use(minimalGuard(who, protector, client, token) as express.RequestHandler);
    app.use((req, res) => {
      res.json({ current: currentCredential() === token, state: res.locals.credential === token, query: req.query });
    });
    return app;
  },
};

describe.each(['koa', 'express'] as const)('the bench minimal guard on %s', (driver) => {
  it("hands the action the credential and the verified reading as the guard does, in currentCredential()'s storage", async () => {
    const response = await request(apps[driver]())
      .get('/minimal-guard?a=1')
      .set('Host', 'bench.test')
      .set('Authorization', signed(`${URL}?a=1`));
    expect(response.status).toBe(200);
    // The bench's requests have no query: the yardstick hands over none, in place of the framework's reading.
    expect(response.body).toEqual({ current: true, state: true, query: {} });
  });

  it('refuses an unsigned request, a replay and a request for another Host', async () => {
    const app = apps[driver]();
    expect((await request(app).get('/minimal-guard').set('Host', 'bench.test')).status).toBe(401);
    const header = signed();
    const get = () => request(app).get('/minimal-guard').set('Host', 'bench.test').set('Authorization', header);
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(401);
    const elsewhere = request(app).get('/minimal-guard').set('Host', 'other.test').set('Authorization', signed());
    expect((await elsewhere).status).toBe(401);
  });

  it("answers GET /minimal-guard of the bench app with the action's @Credential()", async () => {
    const bench = expectWarning(PLAIN_HTTP_NOTICE, () => createBenchApp({ driver }));
    const server = await new Promise<Server>((resolve) => {
      const listening: Server = bench.listen(0, '127.0.0.1', () => resolve(listening));
    });
    try {
      const response = await request(server)
        .get('/minimal-guard')
        .set('Host', 'bench.test')
        .set('Authorization', signed());
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ok: true, client: who.consumerKey });
    } finally {
      server.close();
      await bench.close();
    }
  });
});
