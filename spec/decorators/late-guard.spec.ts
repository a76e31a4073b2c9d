/**
 * A guard applied to a base class after an app was built (no controller or action defined since) reaches the
 * subclasses of the next app: it left them open, while requireOAuthMetadata() called them guarded.
 */
import 'reflect-metadata';
import express from 'express';
import { Get, JsonController, useContainer, useExpressServer } from 'routing-controllers';
import request from 'supertest';
import { Container, Service } from 'typedi';
import { RequireOAuth, requireOAuthMetadata, ResourceProtector } from '../../src';
import { plainHttpProtector } from '../support/fixtures';

class Base {
  @Get('/secret')
  secret() {
    return { secret: true };
  }
}

@Service()
@JsonController('/child')
class Child extends Base {}

@Service()
@JsonController('/other')
class Other {
  @Get('/x')
  x() {
    return {};
  }
}

it('guards the subclasses of a base class guarded after an earlier app was built', async () => {
  useContainer(Container);
  Container.set(ResourceProtector, plainHttpProtector());
  const first = express();
  useExpressServer(first, { controllers: [Other], development: false });

  RequireOAuth()(Base); // a module applying a policy to shared base classes, after another app was made

  const second = express();
  useExpressServer(second, { controllers: [Child], development: false });
  expect(requireOAuthMetadata(Child, 'secret')).toEqual({});
  const res = await request(second).get('/child/secret');
  expect({ status: res.status, error: res.body.error }).toEqual({ status: 401, error: 'missing_credentials' });
  expect((await request(first).get('/other/x')).status).toBe(200);
});
