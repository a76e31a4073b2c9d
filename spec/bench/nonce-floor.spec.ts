/**
 * The bench's nonce floor stands for what a guard whose nonces are in the memory table cannot skip: one HMAC and
 * the nonce recorded. If it recorded nothing, or a key the protector would not make, its reading would prove nothing
 * about what the memory rows leave for the verification.
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hmacSha1NonceFloor } from '../../bench/support/floors';
import { MemoryNonceCache } from '../../src/protector/memory-nonce-cache';
import { nonceKey } from '../../src/protector/exists-nonce';

const header = (nonce: string) =>
  `OAuth oauth_consumer_key="c", oauth_token="t", oauth_timestamp="1700000000", oauth_nonce="${nonce}", ` +
  'oauth_signature="s%3D"';
const request = (nonce: string) => ({ headers: { authorization: header(nonce) } }) as IncomingMessage;

it.each(['koa', 'express'])(
  'on %s: records each nonce once, as the protector keys it, and refuses it again',
  (driver) => {
    const nonces = new MemoryNonceCache();
    const recorded: [string, number][] = [];
    const setIfAbsent = nonces.setIfAbsent.bind(nonces);
    nonces.setIfAbsent = (key, ttl, now) => (recorded.push([key, ttl]), setIfAbsent(key, ttl, now));
    const floor = hmacSha1NonceFloor('secret&token', nonces);
    const answer = (nonce: string) => {
      const next = jest.fn();
      const kept: Record<string, unknown> = {};
      let status = 200;
      if (driver === 'koa') {
        const ctx = { req: request(nonce), state: kept, status };
        floor(ctx, next);
        status = ctx.status;
      } else {
        const res = { locals: kept, status: (code: number) => ((status = code), { end: () => undefined }) };
        floor(request(nonce), res, next);
      }
      return { status, handedOn: next.mock.calls.length === 1, floor: kept.floor };
    };
    const mac = createHmac('sha1', 'secret&token').update(header('n-1')).digest('base64');
    expect(answer('n-1')).toEqual({ status: 200, handedOn: true, floor: mac });
    expect(answer('n-1')).toEqual({ status: 401, handedOn: false, floor: false });
    expect(answer('n-2')).toMatchObject({ status: 200, handedOn: true });
    // Kept as long as the protector keeps a nonce sent now with its default window (300 s): 301 s.
    expect(recorded).toEqual([
      [nonceKey('c', 't', 1_700_000_000, 'n-1'), 301],
      [nonceKey('c', 't', 1_700_000_000, 'n-1'), 301],
      [nonceKey('c', 't', 1_700_000_000, 'n-2'), 301],
    ]);
  },
);
