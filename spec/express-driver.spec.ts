/**
 * The decorators need routing-controllers' Koa driver. With the express driver a guarded action must never
 * run unprotected: the guard hands express an error instead.
 */
import 'reflect-metadata';
import type { Server } from 'node:http';
import { createExpressServer, Get, JsonController, useContainer } from 'routing-controllers';
import request from 'supertest';
import { Container, Service } from 'typedi';
import { RequireOAuth } from '../src';

let served = 0;

@Service()
@JsonController('/express')
class ExpressController {
  @Get('/guarded')
  @RequireOAuth()
  guarded() {
    served++;
    return { secret: 'data' };
  }
}

let server: Server;
beforeAll(async () => {
  useContainer(Container);
  const app = createExpressServer({ controllers: [ExpressController] });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('@RequireOAuth() on the express driver', () => {
  it('never serves the guarded action: a 500 that names the Koa driver, and the process stays up', async () => {
    const res = await request(server).get('/express/guarded');
    expect(res.status).toBe(500);
    expect(res.text).toContain('need the Koa driver');
    expect(res.text).not.toContain('data');
    expect(served).toBe(0);
    expect((await request(server).get('/express/guarded')).status).toBe(500);
  });
});
