/**
 * The guarded request's query is the record of what was verified; the framework's query (`ctx.query`, `req.query`) is
 * the same values in an object of its own. routing-controllers converts a `@QueryParams()` class's fields in place
 * (a number field's "2" becomes 2, an object field's text is parsed as JSON): the action gets its conversion, and the
 * record, which interceptors, later middlewares and the audit read, keeps the strings that were signed.
 */
import 'reflect-metadata';
import { IsInt, IsOptional } from 'class-validator';
import express4 from 'express';
import express5 from 'express5';
import Koa from 'koa';
import {
  Ctx,
  Get,
  JsonController,
  QueryParams,
  Res,
  useContainer,
  useExpressServer,
  useKoaServer,
} from 'routing-controllers';
import request from 'supertest';
import { Container, Service } from 'typedi';
import { oauthBodyParser, RequireOAuth, ResourceProtector, type GuardedRequest, type OAuthState } from '../src';
import { plainHttpProtector, WHO } from './support/fixtures';
import { loopbackListen } from './support/listen';
import { sign } from './support/sign';

class Page {
  @IsOptional()
  @IsInt()
  page?: number;

  @IsOptional()
  meta?: object;
}

type Reply = { action: Page; record: GuardedRequest['query'] };

@Service()
@JsonController('/record')
class KoaRecordController {
  @Get('/koa')
  @RequireOAuth()
  koa(@QueryParams() query: Page, @Ctx() ctx: { state: OAuthState }): Reply {
    return { action: { ...query }, record: { ...ctx.state.oauth.query } };
  }
}

@Service()
@JsonController('/record')
class ExpressRecordController {
  @Get('/express')
  @RequireOAuth()
  express(@QueryParams() query: Page, @Res() res: { locals: { oauth: GuardedRequest } }): Reply {
    return { action: { ...query }, record: { ...res.locals.oauth.query } };
  }
}

const protector = plainHttpProtector();
const listen = loopbackListen();
beforeAll(() => {
  useContainer(Container);
  Container.set(ResourceProtector, protector);
});

describe.each([
  [
    'Koa',
    '/record/koa',
    () => listen(useKoaServer(new Koa().use(oauthBodyParser(protector)), { controllers: [KoaRecordController] })),
  ],
  [
    'Express 4',
    '/record/express',
    () => listen(useExpressServer(express4(), { controllers: [ExpressRecordController] })),
  ],
  [
    'Express 5',
    '/record/express',
    () => listen(useExpressServer(express5(), { controllers: [ExpressRecordController] })),
  ],
] as const)('on %s, a @QueryParams() class', (_name, path, start) => {
  it("converts the action's copy; the verified record keeps the strings that were signed", async () => {
    const server = await start();
    const target = `${path}?page=2&meta=%5B1%2C2%5D`;
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}${target}`;
    const res = await request(server)
      .get(target)
      .set('Authorization', sign({ url, who: WHO }).header);
    expect({ status: res.status, body: res.body as unknown }).toEqual({
      status: 200,
      body: { action: { page: 2, meta: [1, 2] }, record: { page: '2', meta: '[1,2]' } },
    });
  });
});
