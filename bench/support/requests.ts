/**
 * Requests and protectors for the in-process benchmarks (bench/ab.ts, tricks.ts, kernel-entry.ts, allocation.ts):
 * HMAC-SHA1 headers for `GET https://api.example.com/guarded`, each with its own nonce, a Node request as the guards
 * read it, and the options of a protector that verifies them.
 */
import express from 'express';
import express5 from 'express5';
import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { hmacSigner } from './fast-sign';
import { HMAC_IDENTITY } from './identities';

export const GUARDED_URL = 'https://api.example.com/guarded';
/** The clock of the in-process protectors, in seconds: every header is signed at it. */
export const NOW = Math.floor(Date.UTC(2026, 0, 1) / 1000);

/** The HMAC identity's client and token as the in-process protectors' stores answer them. */
export const HMAC_CLIENT = { getClientSecret: () => HMAC_IDENTITY.consumerSecret, getRsaPublicKey: () => undefined };
export const HMAC_TOKEN = {
  getOAuthToken: () => HMAC_IDENTITY.token,
  getOAuthTokenSecret: () => HMAC_IDENTITY.tokenSecret ?? '',
  getClientId: () => HMAC_IDENTITY.consumerKey,
};

/** A protector's `queryClient` and `queryToken` that find the HMAC identity's client and token, and nothing else. */
export const hmacStores = {
  queryClient: (key: string) => (key === HMAC_IDENTITY.consumerKey ? HMAC_CLIENT : undefined),
  queryToken: (_key: string, value: string) => (value === HMAC_IDENTITY.token ? HMAC_TOKEN : undefined),
};

/**
 * The options of the in-process protectors: the HMAC identity's stores, the given nonce cache (a fresh
 * `MemoryNonceCache`, of the build that is timed), the clock at NOW.
 */
export const hmacProtectorOptions = <N>(nonceCache: N) => ({ ...hmacStores, nonceCache, clock: () => NOW * 1000 });

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

/** A Koa context around a fake request, as the Koa guard reads it (`ctx.status` is what a refusal sets). */
export interface FakeKoaContext {
  req: FakeRequest;
  originalUrl: string;
  app: { proxy: boolean };
  state: Record<string, unknown>;
  request: object;
  params: object;
  status?: number;
}

export const fakeKoaContext = (authorization: string): FakeKoaContext => {
  const req = fakeRequest(authorization);
  return { req, originalUrl: req.url, app: { proxy: false }, state: {}, request: {}, params: {} };
};

/** A new Express app of that major version, whose `app.request` and `app.response` requests are made from. */
export const expressApp = (version: 4 | 5) => (version === 4 ? express() : express5());
const expressApps = { 4: expressApp(4), 5: expressApp(5) };
const tlsSocket = { encrypted: true, readableHighWaterMark: 16 * 1024 } as unknown as Socket;
const noNext = () => undefined;

/**
 * A request and its response as Express hands them to a route's middleware: Node's own objects, the properties
 * its router, query parser (Express 4; Express 5 reads `query` through a getter) and init middleware add, and
 * their prototypes swapped for the app's. On Node 20 and 22 that gives every request and response a map of its own
 * (docs/decisions.md), which object literals would hide from an in-process measurement. Two builds of the library
 * in one process each need an app of their own: the first to serve a request puts its `req.body` accessor on the
 * app's request, and the other would then assign through it.
 */
export function expressExchange(
  authorization: string,
  version: 4 | 5 = 4,
  app: { request: object; response: object } = expressApps[version],
): { req: IncomingMessage; res: ServerResponse } {
  const req = new IncomingMessage(tlsSocket);
  req.method = 'GET';
  req.url = '/guarded';
  req.headers = { host: 'api.example.com', authorization };
  req.rawHeaders = ['Host', 'api.example.com', 'Authorization', authorization];
  const res = new ServerResponse(req);
  Object.assign(req, { next: noNext, baseUrl: '', originalUrl: req.url });
  if (version === 4) Object.assign(req, { query: {} });
  Object.assign(req, { res });
  Object.assign(res, { req });
  Object.setPrototypeOf(req, app.request);
  Object.setPrototypeOf(res, app.response);
  Object.assign(res, { locals: Object.create(null) as object });
  Object.assign(req, { params: {}, route: { path: '/guarded' } });
  return { req, res };
}
