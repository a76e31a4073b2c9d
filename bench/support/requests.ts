/**
 * Requests for the in-process benchmarks (bench/ab.ts, bench/tricks.ts): HMAC-SHA1 headers for
 * `GET https://api.example.com/guarded`, each with its own nonce, and a Node request as the guards read it.
 */
import { hmacSigner } from './fast-sign';
import { HMAC_IDENTITY } from './identities';

export const GUARDED_URL = 'https://api.example.com/guarded';
/** The clock of the in-process protectors, in seconds: every header is signed at it. */
export const NOW = Math.floor(Date.UTC(2026, 0, 1) / 1000);

/** `count` headers, each with its own nonce, signed at NOW. */
export function signedHeaders(count: number): string[] {
  const sign = hmacSigner(GUARDED_URL, HMAC_IDENTITY);
  // Flat strings, as Node's HTTP parser makes them (a concatenation would be flattened by the first regex).
  return Array.from({ length: count }, () => Buffer.from(sign(undefined, NOW), 'latin1').toString('latin1'));
}

/** A Node request as the guards read it (no object spread here: on Node 20 it costs microseconds). */
export interface FakeRequest {
  method: string;
  url: string;
  originalUrl: string | undefined;
  app: unknown;
  headers: Record<string, string>;
  rawHeaders: string[];
  socket: { encrypted: boolean };
}

export const fakeRequest = (authorization: string): FakeRequest => ({
  method: 'GET',
  url: '/guarded',
  originalUrl: undefined,
  app: undefined,
  headers: { host: 'api.example.com', authorization },
  rawHeaders: ['Host', 'api.example.com', 'Authorization', authorization],
  socket: { encrypted: true },
});
