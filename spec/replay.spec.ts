/**
 * Replay protection under concurrency, across instances, and through a store outage.
 */
import IORedis, { type Cluster } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExistsNonce, nonceKey, RedisNonceCache, ResourceProtector, type OAuthRequest } from '../src';
import { startDemo } from './support/demo';
import { startDemoProcess, stopProcess, type Running } from './support/demo-process';
import { describeWithRedis, RedisServer } from './support/redis-server';
import { client, token, WHO } from './support/fixtures';
import { sign } from './support/sign';

type Demo = Awaited<ReturnType<typeof startDemo>>;

async function statuses(urls: string[], headers: Record<string, string>): Promise<Record<string, number>> {
  const replies = await Promise.all(
    urls.map(async (url) => {
      const res = await fetch(url, { headers });
      const body = (await res.json()) as { error?: string };
      return `${res.status}${body.error ? ` ${body.error}` : ''}`;
    }),
  );
  const counts: Record<string, number> = {};
  for (const r of replies) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

async function concurrentCopies(demo: Demo, copies = 200) {
  const url = `${demo.base}/api/me`;
  return statuses(Array(copies).fill(url), { Authorization: sign({ url }).header });
}

describe('replay protection with the in-process nonce cache', () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await startDemo();
  });
  afterAll(() => demo.stop());

  it('serves exactly one of 200 concurrent copies of one signed request; the others get invalid_nonce', async () => {
    expect(await concurrentCopies(demo)).toEqual({ '200': 1, '401 invalid_nonce': 199 });
  });
});

describeWithRedis('RedisNonceCache', () => {
  let redis: RedisServer;
  let cache: RedisNonceCache;
  beforeAll(async () => {
    redis = await RedisServer.start();
    cache = new RedisNonceCache(redis.url, { prefix: 'test:' });
  });
  afterAll(async () => {
    await cache.close();
    await redis.stop();
  });

  it('works on an ioredis client the application already has, under its own prefix', async () => {
    const own = new IORedis(redis.url);
    try {
      const shared = new RedisNonceCache(own, { prefix: 'app:' });
      expect(await shared.setIfAbsent('a', 10)).toBe(true);
      expect(await shared.setIfAbsent('a', 10)).toBe(false);
      expect(await cache.setIfAbsent('a', 10)).toBe(true); // another prefix is another namespace
      await shared.close(); // not its client: leaves it open
      expect(await own.ping()).toBe('PONG');
    } finally {
      own.disconnect();
    }
  });

  it("works on a client with ioredis's stringNumbers, which spells the script's 1 and 0 as strings", async () => {
    const own = new IORedis(redis.url, { stringNumbers: true });
    try {
      const shared = new RedisNonceCache(own, { prefix: 'strings:' });
      expect([await shared.setIfAbsent('s', 10), await shared.setIfAbsent('s', 10)]).toEqual([true, false]);
    } finally {
      own.disconnect();
    }
  });

  it('works under a client’s keyPrefix, and on a Redis that forgot its script (SCRIPT FLUSH)', async () => {
    const own = new IORedis(redis.url, { keyPrefix: 'tenant:' });
    const inspect = new IORedis(redis.url);
    try {
      const shared = new RedisNonceCache(own, { prefix: 'app:' });
      expect(await shared.setIfAbsent('p', 10)).toBe(true);
      const keys = await inspect.keys('tenant:app:*');
      expect(keys).toHaveLength(1);
      expect(await inspect.object('ENCODING', keys[0])).toBe('int'); // the call's id, 16 bytes a key more than 1
      await inspect.script('FLUSH');
      expect(await shared.setIfAbsent('p', 10)).toBe(false);
      expect(await shared.setIfAbsent('q', 10)).toBe(true);
    } finally {
      own.disconnect();
      inspect.disconnect();
    }
  });

  it('answers first use once, then refuses the same key', async () => {
    expect(await cache.setIfAbsent('b0', 10)).toBe(true);
    expect(await cache.setIfAbsent('b0', 10)).toBe(false);
    expect(await cache.setIfAbsent('b', 10)).toBe(true);
  });

  it('sets a namespaced, fixed-size key with the time to live in milliseconds', async () => {
    await cache.setIfAbsent('x'.repeat(2000), 42);
    const inspect = new IORedis(redis.url);
    try {
      const keys = await inspect.keys('test:*');
      expect(keys.every((k) => /^test:[A-Za-z0-9_-]{43}$/.test(k))).toBe(true);
      const ttls = await Promise.all(keys.map((k) => inspect.pttl(k)));
      expect(Math.max(...ttls)).toBeGreaterThan(41_000);
      expect(Math.max(...ttls)).toBeLessThanOrEqual(42_000);
    } finally {
      inspect.disconnect();
    }
  });

  it('forgets a key once its time to live has passed', async () => {
    expect(await cache.setIfAbsent('short', 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await cache.setIfAbsent('short', 1)).toBe(true);
  });

  it('keeps apart (client, token, timestamp, nonce) combinations that naive joining would merge', async () => {
    const exists = createExistsNonce(cache);
    const now = Math.floor(Date.now() / 1000);
    const combos: [string, string, string][] = [
      ['a:b', 'c', 'n'],
      ['a', 'b:c', 'n'],
      ['a', 'b', 'c:n'],
      ['a1', ':b', 'n'],
      ['a', '1:b', 'n'],
    ];
    const lifetime = { ttlSeconds: 301, nowSeconds: now };
    for (const [client, token, nonce] of combos) expect(await exists(nonce, now, client, token, lifetime)).toBe(false);
    expect(new Set(combos.map(([c, t, n]) => nonceKey(c, t, now, n))).size).toBe(combos.length);
  });
});

describeWithRedis('RedisNonceCache on a Redis Cluster', () => {
  let nodes: RedisServer[];
  let cluster: Cluster;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
    nodes = await RedisServer.startCluster(dir);
    cluster = new IORedis.Cluster([{ host: '127.0.0.1', port: nodes[0].port }]);
  }, 60_000);
  afterAll(async () => {
    cluster?.disconnect();
    for (const node of nodes ?? []) await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records nonces on whichever node owns each key (one key per command), and refuses their reuse', async () => {
    const exists = createExistsNonce(new RedisNonceCache(cluster));
    const now = Math.floor(Date.now() / 1000);
    const nonces = Array.from({ length: 60 }, (_, i) => `nonce-${i}`);
    const lifetime = { ttlSeconds: 301, nowSeconds: now };
    for (const n of nonces) expect(await exists(n, now, 'client', 'token', lifetime)).toBe(false);
    for (const n of nonces) expect(await exists(n, now, 'client', 'token', lifetime)).toBe(true);
    // The keys really are spread over the cluster: more than one node holds some.
    const sizes = await Promise.all(
      nodes.map(async (node) => {
        const direct = new IORedis(node.url);
        try {
          return await direct.dbsize();
        } finally {
          direct.disconnect();
        }
      }),
    );
    expect(sizes.filter((size) => size > 0).length).toBeGreaterThan(1);
  });
});

describeWithRedis('replay protection on Redis', () => {
  let redis: RedisServer;
  let demo: Demo;
  beforeAll(async () => {
    redis = await RedisServer.startOnSocket(); // restarted below: a TCP port could be taken while it is down
    demo = await startDemo({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await demo.stop();
    await redis.close();
  });

  it('serves exactly one of 200 concurrent copies of one signed request; the others get invalid_nonce', async () => {
    expect(await concurrentCopies(demo)).toEqual({ '200': 1, '401 invalid_nonce': 199 });
  });

  it('answers 503 quickly while Redis is down, and serves again once it is back, without a restart', async () => {
    await redis.stop();
    const url = `${demo.base}/api/me`;
    const started = Date.now();
    const down = await fetch(url, { headers: { Authorization: sign({ url }).header } });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('1');
    expect(((await down.json()) as { error: string }).error).toBe('temporarily_unavailable');
    expect(Date.now() - started).toBeLessThan(1_500); // bounded by the 1 s store timeout

    await redis.restart();
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = (await fetch(url, { headers: { Authorization: sign({ url }).header } })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
  }, 30_000);
});

describeWithRedis('a Redis that keeps its connection and stops answering', () => {
  let redis: RedisServer;
  let cache: RedisNonceCache;
  beforeAll(async () => {
    redis = await RedisServer.start();
    cache = new RedisNonceCache(redis.url);
  });
  afterAll(async () => {
    redis.resume();
    await cache.close();
    await redis.stop();
  });

  const signed = (): OAuthRequest => {
    const url = 'https://api.example.com/items';
    const authorization = sign({ url, who: WHO }).header;
    return { method: 'GET', uri: url, secure: true, authorization, query: '', body: Buffer.alloc(0) };
  };
  const outcome = (verifying: Promise<unknown>) =>
    verifying.then(
      () => 'accepted',
      (error: { code?: string }) => error.code,
    );

  it('answers 503 within the store timeout, at most limits.storeCallsWaiting nonces wait, and serves once it answers', async () => {
    const storeTimeoutMs = 400;
    const protector = new ResourceProtector({
      queryClient: () => client,
      queryToken: () => token,
      nonceCache: cache,
      storeTimeoutMs,
      limits: { storeCallsWaiting: 3 },
    });
    expect(await outcome(protector.verify(signed()))).toBe('accepted');
    redis.pause();
    const started = Date.now();
    const stalled = await Promise.all([1, 2, 3].map(() => outcome(protector.verify(signed()))));
    expect(stalled).toEqual(['temporarily_unavailable', 'temporarily_unavailable', 'temporarily_unavailable']);
    expect(Date.now() - started).toBeLessThan(1_000);
    // Three SETs still wait for Redis: the next request is refused before one more is sent.
    const beyond = Date.now();
    expect(await outcome(protector.verify(signed()))).toBe('temporarily_unavailable');
    // (Half the store timeout: a busy machine's scheduling delay is not read as a wait for Redis.)
    expect(Date.now() - beyond).toBeLessThan(storeTimeoutMs / 2);
    redis.resume();
    const deadline = Date.now() + 10_000;
    let last = await outcome(protector.verify(signed()));
    while (last !== 'accepted' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      last = await outcome(protector.verify(signed()));
    }
    expect(last).toBe('accepted');
  }, 20_000);
});

describeWithRedis('two demo processes on one Redis', () => {
  let redis: RedisServer;
  const demos: Running[] = [];

  async function startProcess(redisUrl: string) {
    const demo = await startDemoProcess({ REDIS_URL: redisUrl, TRUST_PROXY: '1' });
    demos.push(demo);
    expect(demo.output()).toContain('nonces kept in Redis');
  }

  beforeAll(async () => {
    redis = await RedisServer.start();
    await Promise.all([startProcess(redis.url), startProcess(redis.url)]);
  }, 90_000);
  afterAll(async () => {
    for (const demo of demos) await stopProcess(demo);
    await redis.stop();
  });

  it('refuses at one instance a request that the other accepted', async () => {
    // Both sit behind one public name, as behind a load balancer: the signature covers that URL.
    const headers = {
      Authorization: sign({ url: 'https://api.example.com/api/me' }).header,
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'api.example.com',
    };
    const first = await fetch(`${demos[0].base}/api/me`, { headers });
    expect(first.status).toBe(200);
    const second = await fetch(`${demos[1].base}/api/me`, { headers });
    expect(second.status).toBe(401);
    expect(((await second.json()) as { error: string }).error).toBe('invalid_nonce');
  });
});
