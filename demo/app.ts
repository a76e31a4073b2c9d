/**
 * The demo API (see the README's "demo contract"): built here, started by main.ts, used by the tests.
 */
import 'reflect-metadata';
import Koa from 'koa';
import { useContainer, useKoaServer } from 'routing-controllers';
import { Container } from 'typedi';
import { MemoryNonceCache, oauthBodyParser, RedisNonceCache, ResourceProtector, type NonceCache } from '../src';
import { API_CONTROLLERS, OpenApiController } from './openapi';
import { DEMO_METHODS, DemoStore } from './store';

export interface DemoConfig {
  port: number;
  /** Development transport mode: plain http allowed. On unless OAUTH1_INSECURE_TRANSPORT=0. */
  insecureTransport: boolean;
  /** Trust X-Forwarded-Proto / X-Forwarded-Host (TRUST_PROXY=1). */
  trustProxy: boolean;
  /** Share replay protection through this Redis (REDIS_URL); an in-process cache otherwise. */
  redisUrl?: string;
  /** Clock in milliseconds, for tests. */
  clock?: () => number;
}

export function demoConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  return {
    port: Number(env.PORT ?? 3000),
    insecureTransport: env.OAUTH1_INSECURE_TRANSPORT !== '0',
    trustProxy: env.TRUST_PROXY === '1',
    redisUrl: env.REDIS_URL || undefined,
  };
}

export interface DemoApp {
  app: Koa;
  store: DemoStore;
  protector: ResourceProtector;
  /** Where nonces are kept, for the start-up message. */
  nonceStore: string;
  close(): Promise<void>;
}

export function createDemoApp(config: DemoConfig): DemoApp {
  const store = new DemoStore();
  const nonceCache: NonceCache & { close?(): Promise<void> } = config.redisUrl
    ? new RedisNonceCache(config.redisUrl)
    : new MemoryNonceCache();
  const protector = new ResourceProtector({
    queryClient: (clientId) => store.findClient(clientId),
    queryToken: (clientId, token) => store.findToken(clientId, token),
    nonceCache, // kept as long as the protector's window and clock need
    signatureMethods: DEMO_METHODS,
    realm: 'demo',
    allowInsecureTransport: config.insecureTransport,
    // Development mode explains refused signatures in the server log (never in responses).
    debugSignatures: config.insecureTransport,
    clock: config.clock,
  });
  useContainer(Container);
  Container.set(ResourceProtector, protector);

  const app = new Koa();
  app.proxy = config.trustProxy;
  app.on('error', (error: Error & { code?: string; status?: number }) => {
    // A client that cuts its request short is not the server's fault: Node's parser reports it (HPE_*).
    if (error.code?.startsWith('HPE_') || error.code === 'ECONNRESET' || (error.status ?? 500) < 500) return;
    console.error(error);
  });
  app.use(async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff'); // every answer, errors of the app's own included
    await next();
  });
  // Before routing-controllers' own body parser: the guard and the handlers see the exact bytes sent.
  app.use(oauthBodyParser(protector));
  useKoaServer(app, {
    controllers: [...API_CONTROLLERS, OpenApiController],
    // Production error mode: no stack traces or file paths in error bodies, whatever NODE_ENV says.
    development: false,
    // Validation errors name the field and the rule, never the value sent (nor the whole object).
    validation: { validationError: { target: false, value: false } },
    classTransformer: true,
  });
  return {
    app,
    store,
    protector,
    nonceStore: config.redisUrl ? 'Redis' : 'memory (this process only)',
    close: async () => {
      store.close();
      await nonceCache.close?.();
    },
  };
}
