/**
 * One owner for the window and the clock: the protector derives each nonce's lifetime from its own
 * settings, so that every documented way of wiring a nonce store refuses a replay anywhere inside the
 * window, whatever the window is.
 */
import {
  createExistsNonce,
  MemoryNonceCache,
  ResourceProtector,
  type ExistsNonce,
  type OAuthRequest,
  type ResourceProtectorOptions,
} from '../../src';
import { client, token, WHO } from '../support/fixtures';
import { sign } from '../support/sign';

const START = 1_700_000_000;

/** A signed GET made at `timestamp` (seconds). */
function signedAt(timestamp: number): OAuthRequest {
  const url = 'https://api.example.com/items';
  return {
    method: 'GET',
    uri: url,
    secure: true,
    authorization: sign({ url, who: WHO, timestamp }).header,
    query: '',
    body: Buffer.alloc(0),
  };
}

/** A store of one's own, as the README's custom existsNonce: it keeps each nonce as long as it is told. */
function customExistsNonce(): ExistsNonce {
  const until = new Map<string, number>();
  return (nonce, timestamp, clientId, token, { ttlSeconds, nowSeconds }) => {
    const key = JSON.stringify([nonce, timestamp, clientId, token]);
    if ((until.get(key) ?? 0) > nowSeconds) return true;
    until.set(key, nowSeconds + ttlSeconds);
    return false;
  };
}

const WIRINGS: [string, () => Pick<ResourceProtectorOptions, 'nonceCache' | 'existsNonce'>][] = [
  ['nonceCache: new MemoryNonceCache()', () => ({ nonceCache: new MemoryNonceCache() })],
  [
    'existsNonce: createExistsNonce(new MemoryNonceCache())',
    () => ({ existsNonce: createExistsNonce(new MemoryNonceCache()) }),
  ],
  ['a custom existsNonce', () => ({ existsNonce: customExistsNonce() })],
];

describe.each(WIRINGS)('a replay inside the window is refused, with %s', (_wiring, nonceStore) => {
  it.each([30, 300, 600, 3600])('window ±%d s: until the timestamp leaves the window, from either edge', (window) => {
    let now = START * 1000;
    const protector = new ResourceProtector({
      queryClient: () => client,
      queryToken: () => token,
      ...nonceStore(),
      timestampWindowSeconds: window,
      clock: () => now,
    } as ResourceProtectorOptions);
    // A request stamped at the past edge of the window, and one at the future edge.
    for (const timestamp of [START - window, START + window]) {
      const request = signedAt(timestamp);
      now = START * 1000;
      expect(protector.verifyNow(request)).toMatchObject({ clientId: 'ck' });
      // Replayed at every second while its timestamp is still accepted: refused as a used nonce.
      for (now = START * 1000; timestamp + window >= Math.floor(now / 1000); now += 7_000) {
        expect(() => protector.verifyNow(request)).toThrow(expect.objectContaining({ code: 'invalid_nonce' }));
      }
      // Once the timestamp has left the window it is refused for that, never accepted.
      expect(() => protector.verifyNow(request)).toThrow(expect.objectContaining({ code: 'invalid_timestamp' }));
    }
  });
});

describe('the lifetime handed to a nonce store', () => {
  it('is from the protector window and clock: until the timestamp leaves the window, plus a second', () => {
    const seen: unknown[] = [];
    const protector = new ResourceProtector({
      queryClient: () => client,
      queryToken: () => token,
      existsNonce: (...args) => (seen.push(args[4]), false),
      timestampWindowSeconds: 600,
      clock: () => START * 1000,
    });
    protector.verifyNow(signedAt(START - 100));
    expect(seen).toEqual([{ ttlSeconds: 501, nowSeconds: START }]);
  });

  it('a protector needs exactly one nonce store', () => {
    const stores = { queryClient: () => client, queryToken: () => token };
    expect(() => new ResourceProtector(stores as unknown as ResourceProtectorOptions)).toThrow(/exactly one/);
    const both = { ...stores, nonceCache: new MemoryNonceCache(), existsNonce: customExistsNonce() };
    expect(() => new ResourceProtector(both as unknown as ResourceProtectorOptions)).toThrow(/exactly one/);
  });
});
