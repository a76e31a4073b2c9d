/**
 * A minimal routing-controllers app whose client, token and nonce stores can be made to fail on demand,
 * for the store-fault row of the error contract (503 `temporarily_unavailable`), and whose signature methods
 * are restricted where the demo's are not: by the protector, by a route and by a client that holds keys for
 * methods it is not allowed.
 *
 * Like the demo, it registers its protector as `ResourceProtector` in typedi's global container: a spec
 * file that also runs the demo must register the demo's protector again once it is done with this app.
 */
import 'reflect-metadata';
import Koa from 'koa';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { Get, JsonController, useContainer, useKoaServer } from 'routing-controllers';
import { Container, Service } from 'typedi';
import {
  createExistsNonce,
  Credential,
  MemoryNonceCache,
  oauthBodyParser,
  RequireOAuth,
  ResourceProtector,
  type Client,
  type TokenCredential,
} from '../../src';
import { expectWarning, PLAIN_HTTP_NOTICE } from './console';
import { ALICE, DEMO_PRIVATE_KEY, type Identity } from './sign';

/** How a store call behaves: answer normally, throw synchronously, reject, or never settle. */
export type Fault = 'none' | 'throw' | 'reject' | 'hang';
/** The nonce store may also be a real `MemoryNonceCache` that is full. */
export type NonceFault = Fault | 'full';
export type StoreName = 'queryClient' | 'queryToken' | 'existsNonce';

/** Signature methods the protector enables: not PLAINTEXT nor HMAC-SHA512, which the library knows. */
export const CONTRACT_METHODS = ['HMAC-SHA1', 'HMAC-SHA256', 'RSA-SHA1', 'RSA-SHA256'];

/** A client with a secret and an RSA key, allowed only HMAC-SHA256 and RSA-SHA256. */
export const RESTRICTED: Identity = {
  consumerKey: 'restricted-client',
  consumerSecret: 'restricted-client-secret',
  token: 'restricted-token',
  tokenSecret: 'restricted-token-secret',
  privateKey: DEMO_PRIVATE_KEY,
};
const RESTRICTED_METHODS = ['HMAC-SHA256', 'RSA-SHA256'];

/** What a failing store says about itself; it must never reach the client. */
export const STORE_FAULT_DETAIL = 'connection to db://admin:store-password@10.0.0.5 refused';

/** Each store call counts as a fault after this long. */
export const STORE_TIMEOUT_MS = 200;

class ContractToken implements TokenCredential {
  constructor(private readonly who: Identity) {}
  getOAuthToken() {
    return this.who.token;
  }
  getOAuthTokenSecret() {
    return this.who.tokenSecret as string;
  }
  getClientId() {
    return this.who.consumerKey;
  }
}

const publicKey = readFileSync(join(__dirname, '..', '..', 'demo', 'keys', 'client.pub.pem'), 'utf8');
const clients = new Map<string, Client>([
  [ALICE.consumerKey, { getClientSecret: () => ALICE.consumerSecret, getRsaPublicKey: () => undefined }],
  [
    RESTRICTED.consumerKey,
    {
      getClientSecret: () => RESTRICTED.consumerSecret,
      getRsaPublicKey: () => publicKey,
      getAllowedSignatureMethods: () => RESTRICTED_METHODS,
    },
  ],
]);
const findToken = (clientId: string, token: string) => {
  const who = [ALICE, RESTRICTED].find((w) => w.consumerKey === clientId && w.token === token);
  return who && new ContractToken(who);
};

@Service()
@JsonController('/contract')
export class ContractController {
  @Get('/me')
  @RequireOAuth()
  me(@Credential() credential: ContractToken) {
    return { token: credential.getOAuthToken() };
  }

  @Get('/sha256')
  @RequireOAuth({ signatureMethods: ['HMAC-SHA256'] })
  sha256(@Credential() credential: ContractToken) {
    return { token: credential.getOAuthToken() };
  }
}

/** Runs `answer` unless the store is set to fail. */
function faulty<R>(fault: Fault, answer: () => R | Promise<R>): R | Promise<R> {
  switch (fault) {
    case 'throw':
      throw new Error(STORE_FAULT_DETAIL);
    case 'reject':
      return Promise.reject(new Error(STORE_FAULT_DETAIL));
    case 'hang':
      return new Promise<R>(() => undefined);
    default:
      return answer();
  }
}

export interface ContractApp {
  server: Server;
  base: string;
  protector: ResourceProtector;
  /** The behaviour of each store, read on every call; all `none` at start. */
  faults: { queryClient: Fault; queryToken: Fault; existsNonce: NonceFault };
  stop(): Promise<void>;
}

/** Starts the app on a loopback port with ALICE's and RESTRICTED's credentials, realm `demo`, http allowed. */
export async function startContractApp(): Promise<ContractApp> {
  const faults: ContractApp['faults'] = { queryClient: 'none', queryToken: 'none', existsNonce: 'none' };
  const exists = createExistsNonce(new MemoryNonceCache());
  // A cache full of live nonces: it holds one, for a year.
  const fullCache = new MemoryNonceCache({ capacity: 1 });
  fullCache.setIfAbsent('filler', 365 * 24 * 3600, Math.floor(Date.now() / 1000));
  const full = createExistsNonce(fullCache);
  const protector = expectWarning(
    PLAIN_HTTP_NOTICE,
    () =>
      new ResourceProtector({
        queryClient: (clientId) => faulty(faults.queryClient, () => clients.get(clientId)),
        queryToken: (clientId, token) => faulty(faults.queryToken, () => findToken(clientId, token)),
        existsNonce: (...args) =>
          faults.existsNonce === 'full' ? full(...args) : faulty(faults.existsNonce, () => exists(...args)),
        signatureMethods: CONTRACT_METHODS,
        realm: 'demo',
        allowInsecureTransport: true,
        storeTimeoutMs: STORE_TIMEOUT_MS,
      }),
  );
  useContainer(Container);
  Container.set(ResourceProtector, protector);

  const app = new Koa();
  app.use(oauthBodyParser(protector));
  useKoaServer(app, { controllers: [ContractController] });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return {
    server,
    base: `http://127.0.0.1:${port}`,
    protector,
    faults,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
