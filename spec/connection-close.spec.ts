/**
 * A refusal that leaves a body unread ends the connection: kept alive, Node would read the refused body to its end to
 * find the next request (a Content-Length of a terabyte: until requestTimeout, 300 s). The guard, a routing-controllers
 * checker and `oauthBodyParser()` all close it; a refusal of a bodiless request keeps it, as HTTP/1.1 keeps connections.
 */
import 'reflect-metadata';
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { Authorized, JsonController, Post, useContainer, useKoaServer } from 'routing-controllers';
import { Container } from 'typedi';
import { oauthAuthorizationChecker, requireOAuth, ResourceProtector } from '../src';
import { plainHttpProtector, WHO } from './support/fixtures';
import { loopbackListen, type Listen } from './support/listen';
import { untilClosed } from './support/raw-http';
import { sign } from './support/sign';

@JsonController('/checked')
class CheckedController {
  @Post('/')
  @Authorized()
  post() {
    return { ok: true };
  }
}

const protector = plainHttpProtector();
const listenOn = loopbackListen();
const listen: (app: Parameters<Listen>[0]) => Promise<number> = async (app) =>
  ((await listenOn(app)).address() as AddressInfo).port;

const TERABYTE = `Content-Length: ${10 ** 12}`;

describe('a refusal before the body was read closes the connection', () => {
  it('the guard: a JSON body with a content coding, refused before any of it is read', async () => {
    const port = await listen(new Koa().use(requireOAuth(protector)));
    const head = ['POST /x HTTP/1.1', 'Host: 127.0.0.1', 'Authorization: OAuth oauth_consumer_key="ck"'];
    const reply = await untilClosed(port, [
      ...head,
      'Content-Type: application/json',
      'Content-Encoding: gzip',
      TERABYTE,
    ]);
    expect(reply).toMatch(/^HTTP\/1\.1 400 [^]*\r\nConnection: close\r\n/);
  }, 10_000);

  it("routing-controllers' @Authorized() checker: a 413, which routing-controllers writes", async () => {
    useContainer(Container);
    Container.set(ResourceProtector, protector);
    const app = new Koa();
    useKoaServer(app, { controllers: [CheckedController], authorizationChecker: oauthAuthorizationChecker() });
    const port = await listen(app);
    const auth = sign({ url: `http://127.0.0.1:${port}/checked/`, method: 'POST', who: WHO }).header;
    const head = ['POST /checked/ HTTP/1.1', `Host: 127.0.0.1:${port}`, `Authorization: ${auth}`];
    const reply = await untilClosed(port, [...head, 'Content-Type: application/octet-stream', TERABYTE]);
    expect(reply).toMatch(/^HTTP\/1\.1 413 [^]*\r\nConnection: close\r\n/);
  }, 10_000);
});

it('a refusal of a bodiless request keeps the connection for the next request', async () => {
  const port = await listen(
    new Koa().use(requireOAuth(protector)).use((ctx) => {
      ctx.body = {};
    }),
  );
  const get = 'GET /x HTTP/1.1\r\nHost: 127.0.0.1';
  // Two requests on one connection: the second is answered, so the first 401 kept it (the second asks to close).
  const reply = await untilClosed(port, [`${get}\r\n\r\n${get}`, 'Connection: close']);
  expect(reply.match(/HTTP\/1\.1 401 /g)).toHaveLength(2);
  expect(reply).toMatch(/^HTTP\/1\.1 401 [^]*\r\nConnection: keep-alive\r\n/);
});
