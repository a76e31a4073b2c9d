/**
 * A connection to Redis that drops after the nonce's write reached Redis but before its reply came back. ioredis
 * reconnects and sends the unanswered call again, which finds the key its first copy wrote: the request, used once,
 * must not be refused as a replay (accepted, or at worst 503), and a real replay of it afterwards still is.
 */
import IORedis from 'ioredis';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { RedisNonceCache, ResourceProtector, type OAuthRequest } from '../src';
import { client, token, WHO } from './support/fixtures';
import { describeWithRedis, RedisServer } from './support/redis-server';
import { sign } from './support/sign';

const PREFIX = 'lost-reply:';

/**
 * Forwards everything between its clients and Redis; once armed, it drops the connection that sent a nonce's call
 * as Redis's reply to it comes back, so Redis has applied the call and the client never sees the answer.
 */
class DroppingProxy {
  armed = false;
  drops = 0;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  constructor(redisPort: number) {
    this.server = createServer((down) => {
      const up = connect(redisPort, '127.0.0.1');
      this.sockets.add(down).add(up);
      let callSent = false;
      down.on('data', (chunk) => {
        if (this.armed && chunk.includes(PREFIX)) callSent = true;
        up.write(chunk);
      });
      up.on('data', (chunk) => {
        if (!callSent) {
          down.write(chunk);
          return;
        }
        this.armed = callSent = false;
        this.drops++;
        down.destroy();
        up.destroy();
      });
      const close = () => {
        down.destroy();
        up.destroy();
      };
      down.on('error', close).on('close', close);
      up.on('error', close).on('close', close);
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `redis://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const signed = (): OAuthRequest => {
  const url = 'https://api.example.com/items';
  const authorization = sign({ url, who: WHO }).header;
  return { method: 'GET', uri: url, secure: true, authorization, query: '', body: Buffer.alloc(0) };
};

const outcome = (verifying: Promise<unknown>): Promise<string> =>
  verifying.then(
    () => 'accepted',
    (error: { code?: string }) => String(error.code),
  );

describeWithRedis('a Redis reply lost on a dropped connection', () => {
  let redis: RedisServer;
  let proxy: DroppingProxy;
  let url: string;
  beforeAll(async () => {
    redis = await RedisServer.start();
    proxy = new DroppingProxy(redis.port);
    url = await proxy.listen();
  });
  afterAll(async () => {
    await proxy?.close();
    await redis?.stop();
  });

  async function firstUseThenReplay(cache: RedisNonceCache) {
    const protector = new ResourceProtector({ queryClient: () => client, queryToken: () => token, nonceCache: cache });
    expect(await outcome(protector.verify(signed()))).toBe('accepted'); // connected, the script known to Redis
    const request = signed();
    const drops = proxy.drops;
    proxy.armed = true;
    const first = await outcome(protector.verify(request));
    expect(proxy.drops).toBe(drops + 1);
    expect(['accepted', 'temporarily_unavailable']).toContain(first); // never invalid_nonce: it was used once
    expect(await outcome(protector.verify(request))).toBe('invalid_nonce'); // its nonce was recorded all the same
    expect(await outcome(protector.verify(signed()))).toBe('accepted');
  }

  it('is not a replay with the client made from a URL (one retry per request)', async () => {
    const cache = new RedisNonceCache(url, { prefix: PREFIX });
    try {
      await firstUseThenReplay(cache);
    } finally {
      await cache.close();
    }
  });

  it('is not a replay with an ioredis client of the application, on ioredis defaults', async () => {
    const own = new IORedis(url);
    own.on('error', () => undefined); // the dropped connection
    try {
      await firstUseThenReplay(new RedisNonceCache(own, { prefix: PREFIX }));
    } finally {
      own.disconnect();
    }
  });
});
