/**
 * The bench app: Koa + routing-controllers + typedi, like demo/app.ts, with in-memory stores and two
 * routes that differ only by the guard: GET /open and GET /guarded (`@RequireOAuth()`); and, for the
 * bench's reference rows, GET /floor/hmac-sha1 and GET /floor/rsa-sha1: the cryptography alone
 * (bench/support/floors.ts) in place of the guard.
 */
import 'reflect-metadata';
import Koa from 'koa';
import { Get, JsonController, UseBefore, useContainer, useKoaServer } from 'routing-controllers';
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
import { hmacSha1Floor, rsaSha1Floor } from './support/floors';
import { HMAC_IDENTITY, RSA_IDENTITY, RSA_PUBLIC_KEY_PEM } from './support/identities';

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
const tokens = new Map<string, BenchToken>(
  [HMAC_IDENTITY, RSA_IDENTITY].map((who) => [
    `${who.consumerKey} ${who.token}`,
    new BenchToken(who.consumerKey, who.token, who.tokenSecret ?? ''),
  ]),
);

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
  @UseBefore(hmacSha1Floor(`${HMAC_IDENTITY.consumerSecret}&${HMAC_IDENTITY.tokenSecret}`))
  hmacFloor() {
    return { ok: true, client: null };
  }

  @Get('/floor/rsa-sha1')
  @UseBefore(rsaSha1Floor(RSA_PUBLIC_KEY_PEM, RSA_IDENTITY.privateKey ?? ''))
  rsaFloor() {
    return { ok: true, client: null };
  }
}

export interface BenchAppOptions {
  /** Nonces in Redis at this URL; in a `MemoryNonceCache` (default capacity) otherwise. */
  redisUrl?: string;
  /** The protector's `currentCredential` option (default true): false leaves AsyncLocalStorage unused. */
  currentCredential?: boolean;
}

export interface BenchApp {
  app: Koa;
  /** 'memory' or 'redis', for messages. */
  nonceStore: string;
  close(): Promise<void>;
}

export function createBenchApp(options: BenchAppOptions = {}): BenchApp {
  const nonceCache: NonceCache & { close?(): Promise<void> } = options.redisUrl
    ? new RedisNonceCache(options.redisUrl)
    : new MemoryNonceCache();
  const protector = new ResourceProtector<BenchClient, BenchToken>({
    queryClient: (clientKey) => clients.get(clientKey),
    queryToken: (clientKey, token) => tokens.get(`${clientKey} ${token}`),
    nonceCache,
    signatureMethods: ['HMAC-SHA1', 'RSA-SHA1'],
    realm: 'bench',
    currentCredential: options.currentCredential ?? true,
    // Loopback plain http: the bench measures the verifier, not TLS.
    allowInsecureTransport: true,
  });
  useContainer(Container);
  Container.set(ResourceProtector, protector);

  const app = new Koa();
  app.on('error', (error: Error & { code?: string; status?: number }) => {
    if (error.code?.startsWith('HPE_') || error.code === 'ECONNRESET' || (error.status ?? 500) < 500) return;
    console.error(error);
  });
  app.use(oauthBodyParser(protector));
  useKoaServer(app, { controllers: [BenchController] });
  return {
    app,
    nonceStore: options.redisUrl ? 'redis' : 'memory',
    close: async () => {
      await nonceCache.close?.();
    },
  };
}
