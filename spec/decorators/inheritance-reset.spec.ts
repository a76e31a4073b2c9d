/**
 * Inherited guards after routing-controllers' metadata storage was reset (as test suites do between apps): the
 * controllers defined again are guarded too, even where they add up to as many controllers and actions as before.
 * In a file of its own, as it resets the storage of this file's module registry.
 */
import 'reflect-metadata';
import express from 'express';
import { Get, getMetadataArgsStorage, JsonController, useContainer, useExpressServer } from 'routing-controllers';
import request from 'supertest';
import { Container, Service } from 'typedi';
import { MemoryNonceCache, RequireOAuth, ResourceProtector } from '../../src';
import { client, token } from '../support/fixtures';

useContainer(Container);
Container.set(
  ResourceProtector,
  new ResourceProtector({ queryClient: () => client, queryToken: () => token, nonceCache: new MemoryNonceCache() }),
);

/** A guarded base and a subclass without a guard of its own, defined anew on every call. */
function defineControllers() {
  @RequireOAuth()
  class Base {
    @Get('/secret')
    secret() {
      return { secret: true };
    }
  }
  @Service()
  @JsonController('/child')
  class Child extends Base {}
  return Child;
}

it('guards the inherited action of controllers defined again after a reset, the same number as before', async () => {
  for (let round = 0; round < 2; round++) {
    if (round > 0) getMetadataArgsStorage().reset();
    const app = express();
    useExpressServer(app, { controllers: [defineControllers()], development: false });
    expect((await request(app).get('/child/secret')).status).toBe(401);
  }
});
