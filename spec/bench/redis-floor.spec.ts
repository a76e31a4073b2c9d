/**
 * The bench's Redis floor stands for what a guard whose nonces are in Redis cannot skip: one HMAC and one Redis
 * command a request, its answer awaited before the action. If it skipped the command or did not wait for it, its
 * reading would prove nothing about the Redis rows' limit.
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hmacSha1RedisFloor, type RedisSetter } from '../../bench/support/floors';

const header = 'OAuth oauth_consumer_key="c", oauth_nonce="n0nce-1", oauth_signature="s%3D"';
const mac = createHmac('sha1', 'secret&token').update(header).digest('base64');

/** A Redis client that records each command and answers it when told. */
function fakeRedis() {
  const calls: unknown[][] = [];
  let answer: (value: unknown) => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const redis: RedisSetter = {
    set: (...args) => {
      calls.push(args);
      return new Promise((resolve, reject) => ([answer, fail] = [resolve, reject]));
    },
  };
  return { redis, calls, answer: (value: unknown) => answer(value), fail: (error: unknown) => fail(error) };
}

const req = { headers: { authorization: header } } as IncomingMessage;
const flush = () => new Promise((resolve) => setImmediate(resolve));

it.each(['koa', 'express'])(
  'on %s: sets the nonce once (NX, the nonce lifetime), and hands on only once Redis answered',
  async (driver) => {
    const { redis, calls, answer } = fakeRedis();
    const floor = hmacSha1RedisFloor('secret&token', () => redis);
    const next = jest.fn();
    const kept: Record<string, unknown> = {};
    if (driver === 'koa') void floor({ req, state: kept }, next);
    else floor(req, { locals: kept }, next);
    await flush();
    expect(calls).toEqual([['bench:floor:n0nce-1', '1', 'PX', 301_000, 'NX']]);
    expect(next).not.toHaveBeenCalled();
    answer('OK');
    await flush();
    expect(next).toHaveBeenCalledTimes(1);
    expect(kept.floor).toBe(mac);
  },
);

it('on express: hands a failed command on as an error', async () => {
  const { redis, fail } = fakeRedis();
  const next = jest.fn();
  hmacSha1RedisFloor('secret&token', () => redis)(req, { locals: {} }, next);
  const error = new Error('down');
  fail(error);
  await flush();
  expect(next).toHaveBeenCalledWith(error);
});
