/**
 * The bench app, on routing-controllers' Koa driver or its Express driver, like demo/app.ts: in-memory
 * stores and two routes that differ only by the guard, GET /open and GET /guarded (`@RequireOAuth()`); for
 * the reference rows, GET /floor/hmac-sha1 and GET /floor/rsa-sha1, the cryptography alone
 * (bench/support/floors.ts) in place of the guard, and GET /floor/hmac-sha1-param, the HMAC floor whose action
 * takes one parameter decorator as the guarded one takes `@Credential()`, and GET /floor/hmac-sha1-redis, the HMAC
 * floor and one Redis command (on an app whose nonces are in Redis); GET /minimal and GET /minimal-guard, the
 * minimal verifier alone and with the guard's contract (bench/support/minimal-guard.ts); with `peer` (Express only),
 * GET /passport, the same route behind passport-http-oauth (bench/peer.ts), on a server of its own: loading
 * passport-http-oauth patches Node's IncomingMessage.prototype, which slows every request of the process on
 * Node 20.
 */
import 'reflect-metadata';
import express from 'express';
import Koa from 'koa';
import type { Server } from 'node:http';
import { Get, JsonController, UseBefore, useContainer, useExpressServer, useKoaServer } from 'routing-controllers';
import { Container, Service } from 'typedi';
import {
  Credential,
  MemoryNonceCache,
  oauthBodyParser,
  RedisNonceCache,
  RequireOAuth,
  ResourceProtector,
  type Client,
  type NonceCache,
  type TokenCredential,
} from '../src';
import { oauthBodyParser as expressBodyParser } from '../src/express';
import {
  FLOOR_PLUS_US,
  FloorResult,
  hmacSha1Floor,
  hmacSha1FloorPlus,
  hmacSha1NonceFloor,
  hmacSha1RedisFloor,
  rsaSha1Floor,
  type Floor,
  type RedisSetter,
} from './support/floors';
import { minimalGuard } from './support/minimal-guard';
import { minimalVerifier } from './support/minimal-verifier';
import { HMAC_IDENTITY, HMAC_KEY_TEXT, RSA_IDENTITY, RSA_PUBLIC_KEY_PEM } from './support/identities';

export class BenchClient implements Client {
  constructor(
    readonly key: string,
    private readonly secret: string | undefined,
    private readonly publicKeyPem: string | undefined,
  ) {}
  getClientSecret() {
    return this.secret;
  }
  getRsaPublicKey() {
    return this.publicKeyPem;
  }
}

export class BenchToken implements TokenCredential {
  constructor(
    readonly clientKey: string,
    readonly token: string,
    private readonly secret: string,
  ) {}
  getOAuthToken() {
    return this.token;
  }
  getOAuthTokenSecret() {
    return this.secret;
  }
  getClientId() {
    return this.clientKey;
  }
}

const clients = new Map<string, BenchClient>([
  [HMAC_IDENTITY.consumerKey, new BenchClient(HMAC_IDENTITY.consumerKey, HMAC_IDENTITY.consumerSecret, undefined)],
  [RSA_IDENTITY.consumerKey, new BenchClient(RSA_IDENTITY.consumerKey, undefined, RSA_PUBLIC_KEY_PEM)],
]);
/** The bench's tokens by client and token: one key for the map and its readers. */
const tokenKey = (clientKey: string, token: string | undefined) => `${clientKey} ${token}`;
const tokens = new Map<string, BenchToken>(
  [HMAC_IDENTITY, RSA_IDENTITY].map((who) => [
    tokenKey(who.consumerKey, who.token),
    new BenchToken(who.consumerKey, who.token, who.tokenSecret ?? ''),
  ]),
);

/** GET /floor/hmac-sha1-redis's client: the nonce cache's own, on an app whose nonces are in Redis (createBenchApp). */
let redisOfNonceCache = (): RedisSetter => {
  throw new Error('GET /floor/hmac-sha1-redis on an app whose nonces are not in Redis');
};

/** GET /minimal-guard's middleware, made with the protector of the app built last (createBenchApp). */
let guardWithMinimalChecks: Floor = () => {
  throw new Error('GET /minimal-guard before createBenchApp()');
};

@Service()
@JsonController()
export class BenchController {
  @Get('/open')
  open() {
    return { ok: true, client: null };
  }

  @Get('/guarded')
  @RequireOAuth()
  guarded(@Credential() credential: BenchToken) {
    return { ok: true, client: credential.clientKey };
  }

  @Get('/floor/hmac-sha1')
  @UseBefore(hmacSha1Floor(HMAC_KEY_TEXT))
  hmacFloor() {
    return { ok: true, client: null };
  }

  @Get('/floor/hmac-sha1-param')
  @UseBefore(hmacSha1Floor(HMAC_KEY_TEXT))
  hmacFloorParam(@FloorResult() mac: unknown) {
    // The same answer as the other routes', true only when the parameter arrived (bench/http.ts checks it).
    return { ok: typeof mac === 'string', client: null };
  }

  @Get('/floor/hmac-sha1-plus')
  @UseBefore(hmacSha1FloorPlus(HMAC_KEY_TEXT, FLOOR_PLUS_US))
  hmacFloorPlus() {
    return { ok: true, client: null };
  }

  @Get('/floor/hmac-sha1-nonce')
  @UseBefore(hmacSha1NonceFloor(HMAC_KEY_TEXT))
  hmacNonceFloor() {
    return { ok: true, client: null };
  }

  @Get('/floor/hmac-sha1-redis')
  @UseBefore(hmacSha1RedisFloor(HMAC_KEY_TEXT, () => redisOfNonceCache()))
  hmacRedisFloor() {
    return { ok: true, client: null };
  }

  @Get('/minimal')
  @UseBefore(minimalVerifier(HMAC_IDENTITY))
  minimal() {
    return { ok: true, client: null };
  }

  @Get('/minimal-guard')
  @UseBefore((...args: unknown[]) => guardWithMinimalChecks(...args))
  minimalGuarded(@Credential() credential: BenchToken) {
    return { ok: true, client: credential.clientKey };
  }

  @Get('/floor/rsa-sha1')
  @UseBefore(rsaSha1Floor(RSA_PUBLIC_KEY_PEM, RSA_IDENTITY.privateKey ?? ''))
  rsaFloor() {
    return { ok: true, client: null };
  }
}

export type Driver = 'koa' | 'express';

export interface BenchAppOptions {
  driver: Driver;
  /** Nonces in Redis at this URL; in a `MemoryNonceCache` (default capacity) otherwise. */
  redisUrl?: string;
  /** The protector's `currentCredential` option (default true): false leaves AsyncLocalStorage unused. */
  currentCredential?: boolean;
  /** Also GET /passport, the peer (Express only). */
  peer?: boolean;
}

export interface BenchApp {
  listen(port: number, host: string, ready: () => void): Server;
  /** 'memory' or 'redis', for messages. */
  nonceStore: string;
  close(): Promise<void>;
}

/** Errors a load run may cause that are not the server's fault. */
const ignorable = (error: Error & { code?: string; status?: number }) =>
  error.code?.startsWith('HPE_') || error.code === 'ECONNRESET' || (error.status ?? 500) < 500;

export function createBenchApp(options: BenchAppOptions): BenchApp {
  const nonceCache: NonceCache & { close?(): Promise<void> } = options.redisUrl
    ? new RedisNonceCache(options.redisUrl)
    : new MemoryNonceCache();
  const protector = new ResourceProtector<BenchClient, BenchToken>({
    queryClient: (clientKey) => clients.get(clientKey),
    queryToken: (clientKey, token) => tokens.get(tokenKey(clientKey, token)),
    nonceCache,
    signatureMethods: ['HMAC-SHA1', 'RSA-SHA1'],
    realm: 'bench',
    currentCredential: options.currentCredential ?? true,
    // Loopback plain http: the bench measures the verifier, not TLS.
    allowInsecureTransport: true,
  });
  if (nonceCache instanceof RedisNonceCache) {
    const client = nonceCache.client as unknown as RedisSetter;
    redisOfNonceCache = () => client;
  }
  const hmacClient = clients.get(HMAC_IDENTITY.consumerKey) as BenchClient;
  const hmacToken = tokens.get(tokenKey(HMAC_IDENTITY.consumerKey, HMAC_IDENTITY.token)) as BenchToken;
  guardWithMinimalChecks = minimalGuard(HMAC_IDENTITY, protector, hmacClient, hmacToken);
  useContainer(Container);
  Container.set(ResourceProtector, protector);
  const close = async () => {
    await nonceCache.close?.();
  };
  const nonceStore = options.redisUrl ? 'redis' : 'memory';
  if (options.driver === 'express') {
    const app = express();
    app.disable('x-powered-by');
    app.use(expressBodyParser(protector));
    const controllers: Function[] = [BenchController];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only where wanted (see above)
    if (options.peer) controllers.push((require('./peer') as typeof import('./peer')).PassportController);
    useExpressServer(app, { controllers, development: false });
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- Express knows an error handler by its four parameters
    app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      if (!ignorable(error)) console.error(error);
      if (!res.headersSent) res.status(500).end();
    });
    return { listen: (port, host, ready) => app.listen(port, host, ready), nonceStore, close };
  }
  const app = new Koa();
  app.on('error', (error: Error & { code?: string; status?: number }) => {
    if (!ignorable(error)) console.error(error);
  });
  app.use(oauthBodyParser(protector));
  useKoaServer(app, { controllers: [BenchController], development: false });
  return { listen: (port, host, ready) => app.listen(port, host, ready), nonceStore, close };
}
