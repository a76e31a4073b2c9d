/**
 * @RequireOAuth() options merged where README says they add up: a method that overrides a guarded one keeps its
 * scopes and rules, and two decorators on one class are one guard with both.
 */
import 'reflect-metadata';
import Koa from 'koa';
import { Get, JsonController, UseBefore, useContainer, useKoaServer } from 'routing-controllers';
import request from 'supertest';
import { Container, Service } from 'typedi';
import { oauthBodyParser, RequireOAuth, requireOAuthMetadata, ResourceProtector } from '../../src';
import { ADMIN, EXTRA, scopedProtector } from '../support/fixtures';
import { sign, type Identity } from '../support/sign';

class AdminBase {
  @Get('/x')
  @RequireOAuth({ scopes: ['admin'] })
  x(): { from: string } {
    return { from: 'base' };
  }
}

@Service()
@JsonController('/sub')
class Sub extends AdminBase {
  @Get('/x')
  @RequireOAuth({ scopes: ['extra'] })
  override x() {
    return { from: 'sub' };
  }
}

class OptionalBase {
  @Get('/feed')
  @RequireOAuth({ optional: true })
  feed(): { feed: string } {
    return { feed: 'public' };
  }
}

@Service()
@JsonController('/private')
class PrivateFeed extends OptionalBase {
  @Get('/feed')
  @RequireOAuth({ scopes: ['extra'] })
  override feed() {
    return { feed: 'private' };
  }
}

@RequireOAuth({ optional: true, scopes: ['extra'] })
class OptionalClass {
  @Get('/list')
  list() {
    return { list: true };
  }
}

@Service()
@JsonController('/admin-list')
@RequireOAuth({ scopes: ['admin'] })
class AdminList extends OptionalClass {}

@Service()
@JsonController('/stacked')
@RequireOAuth({ realm: 'stacked' })
@RequireOAuth({ scopes: ['admin'] })
class Stacked {
  @Get('/y')
  y() {
    return { y: true };
  }
}

let app: Koa;
beforeAll(() => {
  const protector = scopedProtector();
  useContainer(Container);
  Container.set(ResourceProtector, protector);
  app = new Koa();
  app.use(oauthBodyParser(protector));
  useKoaServer(app, { controllers: [Sub, Stacked, PrivateFeed, AdminList], development: false });
});

const get = (path: string, who: Identity) =>
  request(app.callback())
    .get(path)
    .set('Host', '127.0.0.1')
    .set('Authorization', sign({ url: `http://127.0.0.1${path}`, who }).header);

it("an overriding method keeps the overridden one's scopes (it was served to tokens without them)", async () => {
  expect(requireOAuthMetadata(Sub, 'x')?.scopes).toEqual(['admin', 'extra']);
  const refused = await get('/sub/x', EXTRA);
  expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 403, error: 'insufficient_scope' });
  expect((await get('/sub/x', ADMIN)).body).toEqual({ from: 'sub' });
});

it("an overriding method's guard states its own settings: the overridden one's optional does not open it", async () => {
  expect(requireOAuthMetadata(PrivateFeed, 'feed')).toEqual({ scopes: ['extra'] });
  const anonymous = await request(app.callback()).get('/private/feed').set('Host', '127.0.0.1');
  expect({ status: anonymous.status, error: anonymous.body.error }).toEqual({
    status: 401,
    error: 'missing_credentials',
  });
  expect((await get('/private/feed', EXTRA)).body).toEqual({ feed: 'private' });
});

it("a subclass's own guard states its own settings too, and keeps the base class's scopes", async () => {
  expect(requireOAuthMetadata(AdminList, 'list')).toEqual({ scopes: ['extra', 'admin'] });
  const anonymous = await request(app.callback()).get('/admin-list/list').set('Host', '127.0.0.1');
  expect({ status: anonymous.status, error: anonymous.body.error }).toEqual({
    status: 401,
    error: 'missing_credentials',
  });
  expect((await get('/admin-list/list', EXTRA)).status).toBe(403);
  expect((await get('/admin-list/list', ADMIN)).body).toEqual({ list: true });
});

it("two @RequireOAuth() on one class are one guard with both's options (the inner one was lost)", async () => {
  expect(requireOAuthMetadata(Stacked, 'y')).toMatchObject({ realm: 'stacked', scopes: ['admin'] });
  const refused = await get('/stacked/y', EXTRA);
  expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 403, error: 'insufficient_scope' });
  expect((await get('/stacked/y', ADMIN)).body).toEqual({ y: true });
});

/** A middleware of the action's own that answers by itself, as a cache does. */
const cached = (ctx: Koa.Context, next: () => Promise<unknown>) => {
  if (ctx.path.endsWith('/cached')) {
    ctx.body = { secret: 'from the cache' };
    return undefined;
  }
  return next();
};

@Service()
@JsonController('/ordered')
@RequireOAuth()
class Ordered {
  @Get('/cached')
  @UseBefore(cached)
  fromCache() {
    return { secret: 'fresh' };
  }

  // On a method, the decorators' order decides, as routing-controllers orders them: a @UseBefore() written below
  // the guard runs first (a rate limit before verification), one written above it runs after.
  @Get('/method/cached')
  @UseBefore(cached)
  @RequireOAuth({ scopes: ['extra'] })
  methodCache() {
    return { secret: 'fresh' };
  }

  @Get('/method/limited/cached')
  @RequireOAuth({ scopes: ['extra'] })
  @UseBefore(cached)
  methodLimited() {
    return { secret: 'fresh' };
  }
}

it("runs a class's guard before the action's own middlewares (one answering by itself was served unsigned)", async () => {
  const ordered = new Koa();
  useKoaServer(ordered, { controllers: [Ordered], development: false });
  for (const path of ['/ordered/cached', '/ordered/method/cached']) {
    const unsigned = await request(ordered.callback()).get(path).set('Host', '127.0.0.1');
    expect({ path, status: unsigned.status, error: unsigned.body.error }).toEqual({
      path,
      status: 401,
      error: 'missing_credentials',
    });
    const signed = await request(ordered.callback())
      .get(path)
      .set('Host', '127.0.0.1')
      .set('Authorization', sign({ url: `http://127.0.0.1${path}`, who: EXTRA }).header);
    expect(signed.body).toEqual({ secret: 'from the cache' });
  }
  // A method's own order kept: its @UseBefore() written below its guard runs first.
  const limited = await request(ordered.callback()).get('/ordered/method/limited/cached').set('Host', '127.0.0.1');
  expect(limited.body).toEqual({ secret: 'from the cache' });
});
