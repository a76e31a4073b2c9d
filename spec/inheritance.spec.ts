/**
 * A controller that extends a guarded class keeps its guard, on both drivers. routing-controllers builds inherited
 * actions with the subclass as their target and looks their @UseBefore middlewares up by it alone, so without the
 * guards registered for them as the routes are built these routes were served to anyone: also those of a controller
 * defined after the app's body parser was made (routing-controllers imports a glob of controllers inside
 * useKoaServer() and useExpressServer()), and every one on an Express app without `oauthBodyParser()`.
 */
import 'reflect-metadata';
import express from 'express';
import Koa from 'koa';
import { Get, JsonController, useContainer, useExpressServer, useKoaServer } from 'routing-controllers';
import request from 'supertest';
import { Container, Service } from 'typedi';
import { oauthBodyParser, RequireOAuth, ResourceProtector } from '../src';
import { oauthBodyParser as expressBodyParser } from '../src/express';
import { ADMIN, EXTRA, scopedProtector } from './support/fixtures';
import { sign, type Identity } from './support/sign';

const protector = scopedProtector();
useContainer(Container);
Container.set(ResourceProtector, protector);

@RequireOAuth({ scopes: ['admin'] })
class AdminBase {
  @Get('/secret')
  secret() {
    return { secret: true };
  }
}

/** No guard of its own: the base's, scopes included. */
@Service()
@JsonController('/child')
class Child extends AdminBase {
  @Get('/own')
  own() {
    return { own: true };
  }
}

/** A guard of its own, whose scopes add to the base's. */
@Service()
@JsonController('/child2')
@RequireOAuth({ scopes: ['extra'] })
class ChildWithGuard extends AdminBase {}

class MethodBase {
  @Get('/m')
  @RequireOAuth()
  m() {
    return { m: true };
  }
}

@Service()
@JsonController('/sub')
class Sub extends MethodBase {}

const controllers = [Child, ChildWithGuard, Sub];
const koa = new Koa();
koa.use(oauthBodyParser(protector));
const expressApp = express();
expressApp.use(expressBodyParser(protector));

/** Defined only now, after every body parser of this file was made, as a controller a glob names. */
function definedLate() {
  @Service()
  @JsonController('/late')
  class Late extends AdminBase {}
  return Late;
}
const late = definedLate();
useKoaServer(koa, { controllers: [...controllers, late], development: false });
useExpressServer(expressApp, { controllers: [...controllers, late], development: false });
const noParser = express(); // Express needs no oauthBodyParser(): the guard reads a body itself
useExpressServer(noParser, { controllers: [...controllers, late], development: false });

describe.each([
  ['Koa', () => koa.callback()],
  ['Express', () => expressApp],
  ['Express without oauthBodyParser()', () => noParser],
])('on %s, a controller extending a guarded class', (_driver, app) => {
  const get = (path: string, who?: Identity) => {
    const req = request(app()).get(path);
    return who
      ? req.set('Authorization', sign({ url: `http://127.0.0.1${path}`, who }).header).set('Host', '127.0.0.1')
      : req;
  };

  it("serves the inherited and its own actions only through the base class's guard and scopes", async () => {
    for (const path of ['/child/secret', '/child/own']) {
      expect((await get(path)).status).toBe(401);
      expect((await get(path, EXTRA)).body).toMatchObject({ error: 'insufficient_scope' });
      expect((await get(path, ADMIN)).status).toBe(200);
    }
  });

  it("with a guard of its own, keeps the base's scopes too", async () => {
    expect((await get('/child2/secret')).status).toBe(401);
    expect((await get('/child2/secret', EXTRA)).body).toMatchObject({ error: 'insufficient_scope' });
    expect((await get('/child2/secret', ADMIN)).status).toBe(200);
  });

  it('defined after the body parser was made, as a glob imports it, still has the base class guard', async () => {
    expect((await get('/late/secret')).status).toBe(401);
    expect((await get('/late/secret', EXTRA)).body).toMatchObject({ error: 'insufficient_scope' });
    expect((await get('/late/secret', ADMIN)).status).toBe(200);
  });

  it("keeps a base method's own guard", async () => {
    expect((await get('/sub/m')).status).toBe(401);
    expect((await get('/sub/m', EXTRA)).status).toBe(200);
  });
});

it('a controller defined after another app was built is guarded in the app built next', async () => {
  @Service()
  @JsonController('/later')
  class Later extends AdminBase {}
  const app = express();
  useExpressServer(app, { controllers: [Later], development: false });
  expect((await request(app).get('/later/secret')).status).toBe(401);
});
