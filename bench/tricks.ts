/**
 * The library's performance tricks, each side by side with the plain alternative it replaced, in one process
 * (docs/decisions.md keeps the numbers; issue #14). Alternating rounds, CPU time, medians:
 *
 *   npx ts-node --transpile-only bench/tricks.ts [rounds]       # on Node 20
 *   npx -y node@24 -r ts-node/register/transpile-only bench/tricks.ts [rounds]
 *
 * - HMAC: src/rfc5849/hmac.ts (two one-shot hashes over key blocks made once) vs `createHmac` with a KeyObject.
 * - Prepared HMAC keys: the cache of src/rfc5849/hmac-sha.ts vs preparing the key for every request, for one
 *   consumer and 1,000, 10,000 and 100,000 users' tokens, each used as often as its rank says (Zipf).
 * - RSA, a trick that went: RFC 8017 §8.2.2 by hand (`publicDecrypt`, then the DigestInfo compared) vs
 *   `crypto.verify`, which src/rfc5849/rsa-sha.ts uses.
 * - Nonce table: `MemoryNonceCache` (SipHash-1-3 into one typed array) vs the same table keyed by a salted
 *   node:crypto SHA-256, and vs a `Map` of key strings (whose memory a million live nonces take is printed).
 * - Sorting: the insertion sort of src/rfc5849/base-string.ts vs `Array.prototype.sort`, on a request's
 *   parameters.
 * - The synchronous path: `verifyRequest` (each step continues at once when its store answered at once) vs
 *   the same steps as an async function awaiting each store, with an AsyncLocalStorage in use as in a server.
 * - The verified query on Koa's request: src/http/own-query.ts (a class field defined on the existing object) vs
 *   `Object.defineProperty`, each on a fresh Koa context, beside making the context alone.
 * - The verified body on Express's request: src/express/served-body.ts (an accessor on the app's request) vs
 *   `req.body` added to the request, each on a request and response made as Express 4 and 5 make them, beside their
 *   making.
 *
 * Protocol-name interning (src/rfc5849/parameter.ts) is part of the parser itself: bench/ab.ts measures it
 * against a tree without it (docs/decisions.md says how).
 */
import Koa from 'koa';
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  constants,
  createHmac,
  createPublicKey,
  createSecretKey,
  hash,
  publicDecrypt,
  randomBytes,
  verify,
  type KeyObject,
} from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { defineOwnQuery } from '../src/http/own-query';
import type { ExpressRequest, ExpressResponse } from '../src/express/express-types';
import { serveVerifiedBody } from '../src/express/served-body';
import { rememberVerified } from '../src/protector/current-credential';
import type { GuardedRequest } from '../src/protector/guard-request';
import { createExistsNonce } from '../src/protector/exists-nonce';
import { MemoryNonceCache } from '../src/protector/memory-nonce-cache';
import { sipHash13, sipHashKey } from '../src/protector/siphash';
import { DEFAULT_LIMITS, DEFAULTS } from '../src/protector/settings';
import { StoreCalls } from '../src/protector/store-call';
import { sortedParameters } from '../src/rfc5849/base-string';
import { checkBodyCoverage } from '../src/rfc5849/body-hash';
import { InvalidClientError, InvalidNonceError, InvalidTokenError } from '../src/rfc5849/errors';
import { hmac, hmacKey } from '../src/rfc5849/hmac';
import { hmacSha, PreparedKeys } from '../src/rfc5849/hmac-sha';
import type { Client, TokenCredential } from '../src/rfc5849/credentials';
import type { Parameter } from '../src/rfc5849/parameter';
import { collectRequestParameters } from '../src/rfc5849/parameter-sources';
import { claimedBy, readProtocolParameters } from '../src/rfc5849/protocol-parameters';
import { checkSignature, clientKeys } from '../src/rfc5849/signature';
import { constantTimeEqual, secretKey } from '../src/rfc5849/signature-method';
import { STANDARD_SIGNATURE_METHODS } from '../src/rfc5849/signature-methods';
import { checkTimestampWindow, nonceLifetimeSeconds } from '../src/rfc5849/timestamp-nonce';
import { verifyRequest, type OAuthRequest, type VerifyPolicy, type VerifyStores } from '../src/rfc5849/verify-request';
import { compare, medianRatio, signedRequestFor, type Case } from './micro';
import { HMAC_IDENTITY, HMAC_KEY_TEXT, RSA_PUBLIC_KEY_PEM } from './support/identities';
import { expressExchange, GUARDED_URL, HMAC_CLIENT, HMAC_TOKEN, NOW, signedHeaders } from './support/requests';
import { median, round } from './support/stats';

const rounds = Number(process.argv[2] ?? 11);
const lines: string[] = [];
const report = (line: string) => {
  lines.push(line);
  console.log(line);
};

/** Times `trick` against `plain` side by side and prints both and their ratio. */
function pair(title: string, trick: Case, plain: Case): void {
  const times = compare([trick, plain], rounds);
  const us = (c: Case) => (times[c.name].medianNs / 1000).toFixed(3);
  const ratio = medianRatio(times[trick.name], times[plain.name]);
  report(`${title}: ${us(trick)} µs (${trick.name}) vs ${us(plain)} µs (${plain.name}): ${ratio.toFixed(3)}×`);
}

function hmacTrick(): void {
  const base = signedRequestFor('HMAC-SHA1').signed.baseString;
  const prepared = hmacKey('sha1', Buffer.from(HMAC_KEY_TEXT));
  const keyObject = createSecretKey(Buffer.from(HMAC_KEY_TEXT));
  pair(
    'HMAC-SHA1 of a 313-byte base string',
    { name: 'hmac.ts', run: () => hmac(prepared, base, 'base64').length, batch: 20_000 },
    {
      name: 'createHmac, KeyObject',
      run: () => createHmac('sha1', keyObject).update(base).digest('base64').length,
      batch: 20_000,
    },
  );
}

/** `count` draws of ranks 0..n-1, rank r about 1/(r+1) as often as rank 0 (Zipf, s = 1), from a seeded generator. */
function zipfRanks(n: number, count: number): Uint32Array {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) cumulative[r] = total += 1 / (r + 1);
  let seed = 42;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * total;
  return Uint32Array.from({ length: count }, () => {
    const x = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
}

function keyCacheTrick(): void {
  const base = signedRequestFor('HMAC-SHA1').signed.baseString;
  for (const users of [1_000, 10_000, 100_000]) {
    const secrets = Array.from({ length: users }, (_, i) => `token-secret-${i}-${HMAC_IDENTITY.tokenSecret}`);
    const ranks = zipfRanks(users, 400_000);
    const keysOf = (i: number) => ({ clientSecret: HMAC_IDENTITY.consumerSecret, tokenSecret: secrets[ranks[i]] });
    const cached = hmacSha(new PreparedKeys('sha1')); // a cache of its own
    let a = 0;
    let b = 0;
    pair(
      `HMAC-SHA1 check, one consumer and ${users} tokens (Zipf)`,
      {
        name: 'prepared keys kept',
        run: () => (cached.verify(base, 'x', keysOf(a++ % ranks.length)) ? 1 : 0),
        batch: 20_000,
      },
      {
        name: 'key prepared each time',
        run: () => {
          const key = hmacKey('sha1', Buffer.from(secretKey(keysOf(b++ % ranks.length)), 'utf8'));
          return constantTimeEqual(hmac(key, base, 'base64'), 'x') ? 1 : 0;
        },
        batch: 20_000,
      },
    );
  }
}

const SHA1_DIGEST_INFO = Buffer.from('3021300906052b0e03021a05000414', 'hex');

/** RSASSA-PKCS1-v1_5 verification with SHA-1 as the library did it until 2026-12 (publicDecrypt). */
function verifyByPublicDecrypt(key: KeyObject, message: string, signature: Buffer): boolean {
  const encoded = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
  return (
    encoded.length === SHA1_DIGEST_INFO.length + 20 &&
    SHA1_DIGEST_INFO.compare(encoded, 0, SHA1_DIGEST_INFO.length) === 0 &&
    encoded.toString('latin1', SHA1_DIGEST_INFO.length) === hash('sha1', message, 'binary')
  );
}

function rsaTrick(): void {
  const { signed } = signedRequestFor('RSA-SHA1');
  const key = createPublicKey(RSA_PUBLIC_KEY_PEM);
  const signature = Buffer.from(signed.signature, 'base64');
  const base = signed.baseString;
  pair(
    'RSA-SHA1 verification',
    { name: 'publicDecrypt', run: () => (verifyByPublicDecrypt(key, base, signature) ? 1 : 0), batch: 2_000 },
    {
      name: 'crypto.verify',
      run: () => (verify('sha1', Buffer.from(base), key, signature) ? 1 : 0),
      batch: 2_000,
    },
  );
}

/** A nonce key as createExistsNonce builds it. */
const nonceKeyOf = (i: number) =>
  `17:bench-hmac-client16:bench-hmac-token${NOW}:24:${i.toString(36).padStart(24, '0')}`;

function nonceTricks(): void {
  const sipKey = sipHashKey(randomBytes(16));
  const out = new Uint32Array(2);
  const salt = randomBytes(16).toString('latin1');
  let i = 0;
  pair(
    'Keyed hash of a 70-character nonce key',
    { name: 'SipHash-1-3', run: () => (sipHash13(sipKey, nonceKeyOf(i++), out), out[0] & 1), batch: 50_000 },
    {
      name: 'salted crypto.hash sha256',
      run: () => hash('sha256', salt + nonceKeyOf(i++), 'buffer').readUInt32LE(0) & 1,
      batch: 50_000,
    },
  );
  // setIfAbsent of fresh keys on tables that keep growing, as a server's does within a window.
  const cache = new MemoryNonceCache();
  const map = new Map<string, number>();
  let j = 0;
  let k = 0;
  pair(
    'setIfAbsent of a fresh nonce',
    { name: 'MemoryNonceCache', run: () => (cache.setIfAbsent(nonceKeyOf(j++), 301, NOW) ? 1 : 0), batch: 50_000 },
    {
      name: 'Map of key strings',
      run: () => {
        const key = nonceKeyOf(k++);
        if (map.has(key)) return 0;
        map.set(key, NOW + 301);
        return 1;
      },
      batch: 50_000,
    },
  );
  report(`  (${cache.size()} and ${map.size} nonces held at the end)`);
  mapMemory();
}

/** Heap a million live nonce keys take in a Map, against MemoryNonceCache's table (needs --expose-gc). */
function mapMemory(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    report('  (run with node --expose-gc for the memory of a million keys in a Map)');
    return;
  }
  gc();
  const before = process.memoryUsage();
  const map = new Map<string, number>();
  for (let n = 0; n < 1_000_000; n++) map.set(nonceKeyOf(n + 1e9), NOW + 301);
  gc();
  const after = process.memoryUsage();
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  const table = new MemoryNonceCache();
  for (let n = 0; n < 1_000_000; n++) table.setIfAbsent(nonceKeyOf(n + 2e9), 301, NOW);
  report(
    `  a million live nonces: Map ${mb(after.heapUsed - before.heapUsed)} MB of heap (${map.size} keys); ` +
      `MemoryNonceCache ${mb(table.byteLength)} MB of table`,
  );
}

function sortTrick(): void {
  const { request } = signedRequestFor('HMAC-SHA1');
  const all = collectRequestParameters(request, { authorizationHeader: Infinity, parameters: Infinity }).all;
  const before = (a: Parameter, b: Parameter) =>
    a.encodedName < b.encodedName || (a.encodedName === b.encodedName && a.encodedValue < b.encodedValue);
  pair(
    `Sorting a request's ${all.length} parameters`,
    { name: 'insertion sort', run: () => sortedParameters(all).length, batch: 100_000 },
    {
      name: 'Array.prototype.sort',
      run: () =>
        all.filter((p) => p.name !== 'oauth_signature').sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))
          .length,
      batch: 100_000,
    },
  );
}

/** verifyRequest's steps as an async function that awaits every store. */
async function verifyAwaiting(
  request: OAuthRequest,
  policy: VerifyPolicy,
  stores: VerifyStores<Client, TokenCredential>,
) {
  const parameters = collectRequestParameters(request, policy.limits);
  const claimed = claimedBy(parameters.oauth, policy.credentialLength);
  const protocol = readProtocolParameters(parameters.oauth, policy, claimed);
  checkBodyCoverage(protocol.bodyHash, request, claimed);
  if (protocol.timestamp !== undefined) {
    checkTimestampWindow(protocol.timestamp, policy.nowSeconds, policy.timestampWindowSeconds, claimed);
  }
  const client = await stores.queryClient(protocol.clientId, claimed);
  if (!client) throw new InvalidClientError({ claimed });
  const keys = clientKeys(client, protocol, claimed);
  const credential = await stores.queryToken(protocol.clientId, protocol.token ?? '', claimed);
  if (!credential) throw new InvalidTokenError('token_rejected', { claimed });
  keys.tokenSecret = credential.getOAuthTokenSecret();
  checkSignature(request, parameters.all, protocol, keys, claimed);
  const { nonce, timestamp } = protocol;
  const lifetime = {
    ttlSeconds: nonceLifetimeSeconds(timestamp ?? 0, policy.nowSeconds, policy.timestampWindowSeconds),
    nowSeconds: policy.nowSeconds,
  };
  const used = await stores.existsNonce(
    nonce ?? '',
    timestamp ?? 0,
    protocol.clientId,
    protocol.token ?? '',
    lifetime,
    claimed,
  );
  if (used) throw new InvalidNonceError({ claimed });
  return { client, credential, parameters };
}

async function syncPathTrick(): Promise<void> {
  const als = new AsyncLocalStorage<number>();
  als.enterWith(1); // as in a server once a guarded request ran: Node 20's promise hooks on
  const storesOf = (): VerifyStores<Client, TokenCredential> => {
    const existsNonce = createExistsNonce(new MemoryNonceCache());
    const calls = () => new StoreCalls(DEFAULTS.storeTimeoutMs, DEFAULT_LIMITS.storeCallsWaiting); // as a protector's
    const [clients, tokens, nonces] = [calls(), calls(), calls()];
    return {
      queryClient: (_id, claimed) => clients.run(claimed, () => HMAC_CLIENT),
      queryToken: (_id, _token, claimed) => tokens.run(claimed, () => HMAC_TOKEN),
      existsNonce: (nonce, timestamp, clientId, tokenValue, lifetime, claimed) =>
        nonces.run(claimed, () => existsNonce(nonce, timestamp, clientId, tokenValue, lifetime)),
    };
  };
  const policy: VerifyPolicy = {
    methods: new Map([['HMAC-SHA1', STANDARD_SIGNATURE_METHODS.get('HMAC-SHA1')!]]),
    twoLegged: false,
    requireTimestampAndNonce: false,
    credentialLength: 255,
    timestampWindowSeconds: 300,
    nowSeconds: NOW,
    allowInsecureTransport: false,
    limits: { authorizationHeader: 8192, parameters: 2000 },
    baseString: 'rfc5849',
  };
  const batch = 5_000;
  const headers = signedHeaders(2 * batch * (rounds + 2));
  const requestOf = (authorization: string): OAuthRequest => ({
    method: 'GET',
    uri: GUARDED_URL,
    secure: true,
    authorization,
    query: '',
    form: undefined,
    body: Buffer.alloc(0),
  });
  const [syncStores, asyncStores] = [storesOf(), storesOf()];
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) * 1000;
  };
  let s = 0;
  let a = 0;
  const times: Record<'sync' | 'await', number[]> = { sync: [], await: [] };
  const runSync = () => {
    const start = cpu();
    for (let n = 0; n < batch; n++) verifyRequest(requestOf(headers[s++]), policy, syncStores);
    return (cpu() - start) / batch;
  };
  const runAwait = async () => {
    const start = cpu();
    for (let n = 0; n < batch; n++)
      await verifyAwaiting(requestOf(headers[batch * (rounds + 2) + a++]), policy, asyncStores);
    return (cpu() - start) / batch;
  };
  runSync();
  await runAwait();
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      times.sync.push(runSync());
      times.await.push(await runAwait());
    } else {
      times.await.push(await runAwait());
      times.sync.push(runSync());
    }
  }
  const us = (ns: number[]) => (median(ns) / 1000).toFixed(3);
  const ratio = round(median(times.sync.map((ns, r) => ns / times.await[r])), 3);
  report(
    `verifyRequest with synchronous stores: ${us(times.sync)} µs (synchronous path) vs ${us(times.await)} µs ` +
      `(async/await, AsyncLocalStorage in use): ${ratio.toFixed(3)}×`,
  );
}

/** The Koa guard's one write in front of a framework getter, on contexts made as Koa makes them. */
function ownQueryTrick(): void {
  const app = new Koa();
  const socket = new Socket();
  const context = () => {
    const req = new IncomingMessage(socket);
    req.method = 'GET';
    req.url = '/guarded?count=20';
    req.headers = { host: 'api.example.com' };
    return app.createContext(req, new ServerResponse(req));
  };
  const query = { count: '20' };
  const each = (define: (request: object) => void) => () => {
    const ctx = context();
    define(ctx.request);
    return ctx.query === query ? 1 : 0;
  };
  // The context alone (its query getter not run) in the same rounds as the two ways: what each adds, side by side.
  const times = compare(
    [
      { name: 'context', run: () => context().querystring.length, batch: 20_000 },
      { name: 'class field', run: each((request) => defineOwnQuery(request, query)), batch: 20_000 },
      {
        name: 'Object.defineProperty',
        run: each((request) =>
          Object.defineProperty(request, 'query', {
            value: query,
            writable: true,
            enumerable: true,
            configurable: true,
          }),
        ),
        batch: 20_000,
      },
    ],
    rounds,
  );
  const alone = times.context.medianNs;
  const above = (name: string) => ((times[name].medianNs - alone) / 1000).toFixed(3);
  report(
    `The verified query on a Koa request, above making the context (${(alone / 1000).toFixed(3)} µs): ` +
      `${above('class field')} µs (class field) vs ${above('Object.defineProperty')} µs (Object.defineProperty)`,
  );
}

/**
 * The Express guard's `req.body`, on requests made as Express 4 and 5 make them (on Node 20 and 22, a map each),
 * remembered on `res.locals` and then read once, as a guarded action does.
 */
function servedBodyTrick(): void {
  const guarded = { body: {} } as GuardedRequest;
  const acceptedBy = {}; // the protector, to the slot an object like any other
  for (const version of [4, 5] as const) {
    const made = () => expressExchange('OAuth', version) as { req: ExpressRequest; res: ExpressResponse };
    const each = (serve: (req: ExpressRequest) => void) => () => {
      const { req, res } = made();
      rememberVerified(res.locals, guarded, acceptedBy);
      serve(req);
      return req.body === guarded.body ? 1 : 0;
    };
    const times = compare(
      [
        { name: 'making', run: () => made().req.rawHeaders.length, batch: 20_000 },
        { name: 'accessor', run: each((req) => serveVerifiedBody(req, guarded)), batch: 20_000 },
        { name: 'own property', run: each((req) => (req.body = guarded.body)), batch: 20_000 },
      ],
      rounds,
    );
    const alone = times.making.medianNs;
    const above = (name: string) => ((times[name].medianNs - alone) / 1000).toFixed(3);
    report(
      `The verified body on an Express ${version} request, remembered and read, above making req and res ` +
        `(${(alone / 1000).toFixed(3)} µs): ${above('accessor')} µs (accessor on app.request) vs ` +
        `${above('own property')} µs (req.body added)`,
    );
  }
}

async function main(): Promise<void> {
  report(`bench/tricks.ts on Node ${process.version}, ${new Date().toISOString()}, ${rounds} rounds (medians)`);
  hmacTrick();
  keyCacheTrick();
  rsaTrick();
  sortTrick();
  nonceTricks();
  await syncPathTrick();
  ownQueryTrick();
  servedBodyTrick();
}

void main();
