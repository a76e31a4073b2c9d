/**
 * The cryptography alone, as middleware for either routing-controllers driver (Koa calls it with (ctx, next), Express
 * with (req, res, next)): each does on every request what no verifier can skip (one HMAC-SHA1, or one RSA-SHA1
 * verification) and nothing else: no parsing, no base string, no stores, no decision; the nonce floor adds the record
 * in the memory nonce table, and the Redis floor the one round trip to Redis, that a guard whose nonces are there
 * cannot skip. The bench's reference rows load routes behind them, to show how close to `/open` any verifier could come
 * on the machine that runs it.
 */
import type { IncomingMessage } from 'node:http';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { createParamDecorator } from 'routing-controllers';
import { nonceKey } from '../../src/protector/exists-nonce';
import { MemoryNonceCache } from '../../src/protector/memory-nonce-cache';
import { DEFAULTS } from '../../src/protector/settings';
import { hmac, hmacKey } from '../../src/rfc5849/hmac';
import { nonceLifetimeSeconds } from '../../src/rfc5849/timestamp-nonce';

type Next = () => unknown;
export type Floor = (...args: unknown[]) => unknown;

/**
 * Runs `work` on the Node request, keeps its result where the driver keeps state, then calls the next handler;
 * with `refuses`, a result of false is a refusal instead: an empty 401, and the next handler never runs.
 */
export function middleware(work: (req: IncomingMessage) => string | boolean, refuses = false): Floor {
  return (...args) => {
    if (typeof args[2] === 'function') {
      type Response = { locals: Record<string, unknown>; status(code: number): { end(): void } };
      const [req, res, next] = args as [IncomingMessage, Response, Next];
      const result = (res.locals.floor = work(req));
      return refuses && result === false ? res.status(401).end() : next();
    }
    const [ctx, next] = args as [{ req: IncomingMessage; state: Record<string, unknown>; status: number }, Next];
    const result = (ctx.state.floor = work(ctx.req));
    if (!refuses || result !== false) return next();
    ctx.status = 401;
    return undefined;
  };
}

/**
 * HMAC-SHA1 of the request's `Authorization` header (about as long as its base string), the cheapest way
 * node:crypto allows: the library's own HMAC, its key blocks made once.
 */
export function hmacSha1Floor(secret: string): Floor {
  const key = hmacKey('sha1', Buffer.from(secret, 'utf8'));
  return middleware((req) => hmac(key, req.headers.authorization ?? '', 'base64'));
}

/**
 * RSA-SHA1 verification (`crypto.verify`) of the `Authorization` header against one fixed signature, with the
 * public key parsed once: the public-key operation and the digest of every RSA-SHA1 request (the answer,
 * always false here, does not change what it costs).
 */
export function rsaSha1Floor(publicKeyPem: string, privateKeyPem: string): Floor {
  const publicKey = createPublicKey(publicKeyPem);
  const signature = sign('sha1', Buffer.from('floor'), createPrivateKey(privateKeyPem));
  return middleware((req) => verify('sha1', Buffer.from(req.headers.authorization ?? ''), publicKey, signature));
}

/** The value of one `name="value"` field of an `Authorization` header, as sent ('' when absent): no decoding. */
export function headerField(header: string, name: string): string {
  const at = header.indexOf(`${name}="`);
  if (at < 0) return '';
  const from = at + name.length + 2;
  return header.slice(from, header.indexOf('"', from));
}

/** How long a nonce is kept: as the protector keeps one sent now, with its default window. */
const NONCE_TTL_SECONDS = nonceLifetimeSeconds(0, 0, DEFAULTS.timestampWindowSeconds);

/**
 * The HMAC floor and the nonce recorded in a `MemoryNonceCache` of its own: what a guard whose nonces are in the
 * memory table cannot skip (a replay-protected verifier records every nonce it accepts). The nonce is keyed as the
 * protector keys it (`nonceKey`: client, token, timestamp and nonce as sent) and kept as long; a nonce seen before is an
 * empty 401, so that the load's checks see every request recorded.
 */
export function hmacSha1NonceFloor(secret: string, nonces = new MemoryNonceCache()): Floor {
  const key = hmacKey('sha1', Buffer.from(secret, 'utf8'));
  return middleware((req) => {
    const header = req.headers.authorization ?? '';
    const mac = hmac(key, header, 'base64');
    const nonce = nonceKey(
      headerField(header, 'oauth_consumer_key'),
      headerField(header, 'oauth_token'),
      Number(headerField(header, 'oauth_timestamp')),
      headerField(header, 'oauth_nonce'),
    );
    return nonces.setIfAbsent(nonce, NONCE_TTL_SECONDS, Math.floor(DEFAULTS.clock() / 1000)) && mac;
  }, true);
}

/** What the Redis floor needs of the nonce cache's ioredis client. */
export interface RedisSetter {
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX'): Promise<unknown>;
}

/**
 * The HMAC floor and one Redis command a request: what a guard whose nonces are in Redis cannot skip (the round
 * trip of the nonce's first use). One `SET key 1 PX ttl NX` of the request's nonce as sent, through `redis` (the
 * nonce cache's own client: auto-pipelined), where `RedisNonceCache` runs a script on a hashed key; its answer
 * awaited, and not read.
 */
export function hmacSha1RedisFloor(secret: string, redis: () => RedisSetter): Floor {
  const key = hmacKey('sha1', Buffer.from(secret, 'utf8'));
  const work = (req: IncomingMessage): Promise<string> => {
    const header = req.headers.authorization ?? '';
    const mac = hmac(key, header, 'base64');
    return redis()
      .set(`bench:floor:${headerField(header, 'oauth_nonce')}`, '1', 'PX', NONCE_TTL_SECONDS * 1000, 'NX')
      .then(() => mac);
  };
  return (...args) => {
    if (typeof args[2] === 'function') {
      const [req, res, next] = args as [
        IncomingMessage,
        { locals: Record<string, unknown> },
        (error?: unknown) => void,
      ];
      work(req).then((mac) => {
        res.locals.floor = mac;
        next();
      }, next);
      return undefined;
    }
    const [ctx, next] = args as [{ req: IncomingMessage; state: Record<string, unknown> }, Next];
    return work(ctx.req).then((mac) => {
      ctx.state.floor = mac;
      return next();
    });
  };
}

/**
 * The floor's result as an action parameter, made as `@Credential()` is (routing-controllers' `createParamDecorator`):
 * GET /floor/hmac-sha1-param shows what the framework charges for a parameter decorator, which the guarded route's
 * `@Credential()` pays and the floor's parameterless action does not.
 */
export const FloorResult = (): ParameterDecorator =>
  createParamDecorator({
    value: (action) =>
      action.context
        ? (action.context as { state: Record<string, unknown> }).state.floor
        : (action.response as { locals: Record<string, unknown> }).locals.floor,
  }) as ParameterDecorator;

/** What GET /floor/hmac-sha1-plus adds to the HMAC floor: this many µs of JavaScript a request. */
export const FLOOR_PLUS_US = 5;

/**
 * The HMAC floor plus `extraUs` µs of JavaScript (a loop calibrated on this process's CPU time at start): the
 * yardstick for the yardstick. What a route costs above the floor should read as the work it adds; this route
 * adds a known amount, and its reading shows what the HTTP measurement charges for that much work.
 */
export function hmacSha1FloorPlus(secret: string, extraUs: number): Floor {
  const key = hmacKey('sha1', Buffer.from(secret, 'utf8'));
  const rounds = spinRoundsFor(extraUs);
  return middleware((req) => {
    const auth = req.headers.authorization ?? '';
    // spin() answers an integer: the comparison keeps its loop from being optimized away.
    return spin(rounds, auth.length) === 0.5 ? '' : hmac(key, auth, 'base64');
  });
}

function spin(rounds: number, seed: number): number {
  let x = seed | 1;
  for (let i = 0; i < rounds; i++) x = (Math.imul(x, 48271) + i) | 0;
  return x;
}

/**
 * Loop rounds that take `us` µs of this process's CPU time, calibrated with calls of the size used (on Node 24 a
 * long loop stays in a slower tier than many short calls: calibrating on long calls made "5 µs" take 1).
 */
function spinRoundsFor(us: number): number {
  let rounds = 1000;
  let acc = 0;
  for (let pass = 0; pass < 6; pass++) {
    const calls = 20_000;
    const before = process.cpuUsage();
    for (let i = 0; i < calls; i++) acc ^= spin(rounds, i);
    const used = process.cpuUsage(before);
    const perCall = (used.user + used.system) / calls;
    if (perCall > 0) rounds = Math.max(1, Math.round((rounds * us) / perCall));
  }
  if (acc === 0.5) throw new Error('unreachable: keeps the calibration loops observable');
  return rounds;
}
