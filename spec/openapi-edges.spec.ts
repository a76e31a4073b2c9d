/**
 * The OpenAPI document says what the routes do where routing-controllers' own rules decide: an optional guard
 * under @Authorized() requires credentials, only the first @Authorized() of an action counts, and a controller the
 * options do not mount is none of the document's business.
 */
import 'reflect-metadata';
import Koa from 'koa';
import {
  Authorized,
  Controller,
  Get,
  getMetadataArgsStorage,
  JsonController,
  useContainer,
  useKoaServer,
} from 'routing-controllers';
import request from 'supertest';
import { Container, Service } from 'typedi';
import {
  oauthAuthorizationChecker,
  oauthBodyParser,
  oauthSpec,
  RequireOAuth,
  ResourceProtector,
  withOAuthSecurity,
  type OpenAPIDocument,
} from '../src';
import { plainHttpProtector, WHO } from './support/fixtures';
import { sign, type Identity } from './support/sign';

@Service()
@JsonController('/opt')
class OptionalAuthorized {
  @Get('/a')
  @RequireOAuth({ optional: true })
  @Authorized()
  a() {
    return { ok: true };
  }
}

@Service()
@JsonController('/opt2')
@RequireOAuth({ optional: true })
@Authorized()
class OptionalAuthorizedClass {
  @Get('/b')
  b() {
    return { ok: true };
  }
}

@Service()
@JsonController('/d')
class Double {
  @Get('/x')
  @Authorized('a')
  @Authorized('b')
  x() {
    return { ok: true };
  }
}

/** Another app's controller in the same process: routing-controllers takes RegExp routes. */
@Controller()
class Legacy {
  @Get(/^\/legacy\/.*$/)
  legacy() {}
}

const SCOPED: Identity = { ...WHO, token: 'scoped' };
const options = {
  controllers: [OptionalAuthorized, OptionalAuthorizedClass, Double],
  authorizationChecker: oauthAuthorizationChecker(),
  development: false,
};
type Paths = Record<string, Record<string, { security?: unknown[] }>>;
let app: Koa;
beforeAll(() => {
  const protector = plainHttpProtector({
    queryToken: (_c: string, t: string) => ({
      getOAuthToken: () => t,
      getOAuthTokenSecret: () => 'ts',
      getScopes: () => ['b'],
    }),
  });
  useContainer(Container);
  Container.set(ResourceProtector, protector);
  app = new Koa();
  app.use(oauthBodyParser(protector));
  useKoaServer(app, options);
});

const spec = () => oauthSpec(getMetadataArgsStorage(), options, { info: { title: 't', version: '1' } });

it('an optional guard under @Authorized() is no optional operation: anonymous requests are 401', async () => {
  expect((await request(app.callback()).get('/opt/a')).status).toBe(401);
  expect((await request(app.callback()).get('/opt2/b')).status).toBe(401);
  const paths = spec().paths as Paths;
  expect(paths['/opt/a'].get.security).toEqual([{ OAuth: [] }]);
  expect(paths['/opt2/b'].get.security).toEqual([{ OAuth: [] }]);
});

it('lists the scopes of the first @Authorized() of an action, the only one routing-controllers checks', async () => {
  expect((spec().paths as Paths)['/d/x'].get.security).toEqual([{ OAuth: ['b'] }]);
  const res = await request(app.callback())
    .get('/d/x')
    .set('Host', '127.0.0.1')
    .set('Authorization', sign({ url: 'http://127.0.0.1/d/x', who: SCOPED }).header);
  expect(res.status).toBe(200); // a token with b alone is served: a is never asked
});

it('withOAuthSecurity() reads only the controllers the options mount (a RegExp route elsewhere made it throw)', () => {
  expect(Legacy).toBeDefined();
  const doc: OpenAPIDocument = { paths: { '/d/x': { get: { operationId: 'Double.x' } } } };
  const marked = withOAuthSecurity(doc, getMetadataArgsStorage(), { ...options, controllers: [Double] });
  expect((marked.paths as Paths)['/d/x'].get.security).toEqual([{ OAuth: ['b'] }]);
});
