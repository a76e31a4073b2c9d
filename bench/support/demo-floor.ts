/**
 * The demo's floor: `npm run demo`'s own app (demo/app.ts, the Koa driver, its SQLite stores, as the demo
 * starts it) with one more route, GET /api/me-floor, which answers what GET /api/me answers after doing only
 * what no guard of that route can skip: the cryptography (one HMAC-SHA1 of the `Authorization` header, as the
 * bench's floor), the demo's own two store lookups (its client, then its token: the protector asks the
 * application for both on every request, and the demo's stores are SQLite by its contract) and /api/me's answer,
 * from an action that takes one parameter (Koa's context, which routing-controllers hands over as it is) where
 * /api/me's takes `@Credential()`. No parsing beyond finding the two values, no base string, no timestamp, no
 * nonce, no decision.
 *
 * Its req/s over GET /api/public's in the same rounds is what no guard of the demo could exceed: when it is
 * below the 0.80× limit of `npm run demo: /api/me / /api/public` in four rounds of five, that limit is out of reach
 * here (bench/targets.ts).
 */
import type { Context } from 'koa';
import { Ctx, Get, JsonController, UnauthorizedError, UseBefore } from 'routing-controllers';
import { Container, Service } from 'typedi';
import { createDemoApp, demoConfigFromEnv } from '../../demo/app';
import { ROUTING_OPTIONS } from '../../demo/routing';
import { DemoStore } from '../../demo/store';
import { ALICE } from '../../spec/support/sign';
import type { BenchApp } from '../app';
import { headerField, hmacSha1Floor } from './floors';

@Service()
@JsonController('/api')
export class DemoFloorController {
  constructor(private readonly store: DemoStore) {}

  @Get('/me-floor')
  @UseBefore(hmacSha1Floor(`${ALICE.consumerSecret}&${ALICE.tokenSecret}`))
  meFloor(@Ctx() ctx: Context) {
    const header = ctx.req.headers.authorization ?? '';
    // The demo's keys need no decoding: each is read as sent.
    const clientKey = headerField(header, 'oauth_consumer_key');
    const client = this.store.findClient(clientKey);
    const token = client && this.store.findToken(clientKey, headerField(header, 'oauth_token'));
    if (!token) throw new UnauthorizedError();
    return { user: token.user, client_id: token.clientId };
  }
}

/** The demo as `npm run demo` builds it (its defaults, no environment read), with GET /api/me-floor. */
export function demoFloorApp(): BenchApp {
  const demo = createDemoApp(demoConfigFromEnv({}), {
    ...ROUTING_OPTIONS,
    controllers: [...((ROUTING_OPTIONS.controllers ?? []) as (typeof DemoFloorController)[]), DemoFloorController],
  });
  Container.set(DemoStore, demo.store);
  if (demo.driver !== 'koa') throw new Error('npm run demo runs the Koa driver');
  const { app } = demo;
  return { listen: (port, host, ready) => app.listen(port, host, ready), nonceStore: 'demo', close: demo.close };
}
