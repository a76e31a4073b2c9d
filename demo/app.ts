/**
 * The demo API (see the README's "demo contract"): built here, started by main.ts, used by the tests.
 */
import 'reflect-metadata';
import Koa from 'koa';
import { useContainer, useKoaServer } from 'routing-controllers';
import { Container } from 'typedi';
import { createExistsNonce, MemoryNonceCache, oauthBodyParser, ResourceProtector } from '../src';
import { MeController } from './controllers/me.controller';
import { NotesController } from './controllers/notes.controller';
import { PublicController } from './controllers/public.controller';
import { UsersController } from './controllers/users.controller';
import { DEMO_METHODS, DemoStore } from './store';

export interface DemoConfig {
  port: number;
  /** Development transport mode: plain http allowed. On unless OAUTH1_INSECURE_TRANSPORT=0. */
  insecureTransport: boolean;
  /** Trust X-Forwarded-Proto / X-Forwarded-Host (TRUST_PROXY=1). */
  trustProxy: boolean;
  /** Clock in milliseconds, for tests. */
  clock?: () => number;
}

export function demoConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  return {
    port: Number(env.PORT ?? 3000),
    insecureTransport: env.OAUTH1_INSECURE_TRANSPORT !== '0',
    trustProxy: env.TRUST_PROXY === '1',
  };
}

export interface DemoApp {
  app: Koa;
  store: DemoStore;
  protector: ResourceProtector;
  close(): void;
}

export function createDemoApp(config: DemoConfig): DemoApp {
  const store = new DemoStore();
  const protector = new ResourceProtector({
    queryClient: (clientId) => store.findClient(clientId),
    queryToken: (clientId, token) => store.findToken(clientId, token),
    existsNonce: createExistsNonce(new MemoryNonceCache({ clock: config.clock }), { clock: config.clock }),
    signatureMethods: DEMO_METHODS,
    realm: 'demo',
    allowInsecureTransport: config.insecureTransport,
    clock: config.clock,
  });
  useContainer(Container);
  Container.set(ResourceProtector, protector);

  const app = new Koa();
  app.proxy = config.trustProxy;
  // Before routing-controllers' own body parser: the guard and the handlers see the exact bytes sent.
  app.use(oauthBodyParser({ limit: protector.limits.body }));
  useKoaServer(app, {
    controllers: [PublicController, MeController, NotesController, UsersController],
    validation: true,
    classTransformer: true,
  });
  return { app, store, protector, close: () => store.close() };
}
