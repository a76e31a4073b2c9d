/**
 * The demo's protector and stores, the same on both drivers.
 */
import { MemoryNonceCache, RedisNonceCache, ResourceProtector, type NonceCache } from '../src';
import { DEMO_METHODS, DemoStore } from './store';

export interface DemoProtectorConfig {
  /** Development transport mode: plain http allowed. */
  insecureTransport: boolean;
  /** Share replay protection through this Redis; an in-process cache otherwise. */
  redisUrl?: string;
  /** Clock in milliseconds, for tests. */
  clock?: () => number;
}

export interface DemoProtector {
  store: DemoStore;
  protector: ResourceProtector;
  /** Where nonces are kept, for the start-up message. */
  nonceStore: string;
  close(): Promise<void>;
}

export function createDemoProtector(config: DemoProtectorConfig): DemoProtector {
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
    // The error contract requires both of every method: a PLAINTEXT request without them could be replayed.
    requireTimestampAndNonce: true,
    allowInsecureTransport: config.insecureTransport,
    // Development mode explains refused signatures in the server log (never in responses).
    debugSignatures: config.insecureTransport,
    clock: config.clock,
  });
  return {
    store,
    protector,
    nonceStore: config.redisUrl ? 'Redis' : 'memory (this process only)',
    close: async () => {
      store.close();
      await nonceCache.close?.();
    },
  };
}
