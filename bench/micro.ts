/**
 * In-process micro-benchmarks: `verifySignature` of a typical header-signed request against the raw
 * crypto it cannot avoid (one HMAC, one RSA verify), and its cost as the query grows. Each case is timed
 * with process.hrtime.bigint over a batch of calls, after a warm-up; rounds alternate the order of the
 * cases and the medians are reported.
 */
import { createHmac, createPublicKey, verify } from 'node:crypto';
import { verifySignature, type OAuthRequest, type SignatureKeys } from '../src/core';
import { enc, sign } from '../spec/support/sign';
import { HMAC_IDENTITY, RSA_IDENTITY, RSA_PUBLIC_KEY_PEM } from './support/identities';
import { ltiLaunches } from './support/lti-launch';
import { BASE_STRING_OFFSET, minimalSignatureCheck, type MinimalRequest } from './support/minimal-verifier';
import { median, ordered, round } from './support/stats';

export interface Case {
  name: string;
  /** One operation; returns something derived from its result, so that it cannot be optimized away. */
  run: () => number;
  /** Operations per timed batch. */
  batch: number;
}

export interface CaseTimes {
  /** Nanoseconds per operation, one value per round. */
  ns: number[];
  medianNs: number;
}

let sink = 0;

/**
 * CPU time of this process (user + system, every thread: the garbage collector's helpers count) in ns. On a
 * shared machine, time spent waiting for a core counts for neither case, where wall time would charge it to
 * whichever case was running.
 */
const cpuNs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
};

function timeBatch(c: Case): number {
  const start = cpuNs();
  let acc = 0;
  for (let i = 0; i < c.batch; i++) acc += c.run();
  const elapsed = cpuNs() - start;
  sink ^= acc;
  return elapsed / c.batch;
}

/** Untimed batches of each case before the rounds, by default. */
export const WARMUP_BATCHES = 3;

/** A case timed call by call, after `before` (untimed) before each call. */
export interface CallCase extends Case {
  before?: () => number;
}

/**
 * A batch's ns a call, each call timed alone after the case's `before` (bench/support/cold.ts's `coldEntry()` for a
 * cold case): only the call is on the clock, so that the sweep's own time (tens of µs, which move with the machine's
 * memory traffic) is not in the reading. The clock is wall time (`process.hrtime`), where `timeBatch` reads CPU time,
 * whose microsecond steps cannot time one call: a call of a few µs is seldom preempted, and a collection that a call's
 * allocation sets off is in its time, as over HTTP (the collector's helper threads are not).
 */
export function timeCalls({ run, before = () => 0, batch }: CallCase): number {
  let total = 0n;
  for (let i = 0; i < batch; i++) {
    sink += before();
    const start = process.hrtime.bigint();
    sink += run();
    total += process.hrtime.bigint() - start;
  }
  return Number(total) / batch;
}

/**
 * Warms every case up, then times `rounds` rounds, the order of the cases reversed every other round; `time` reads a
 * batch's ns an operation (by default its CPU time).
 */
export function compare<C extends Case>(
  cases: C[],
  rounds: number,
  warmupBatches = WARMUP_BATCHES,
  time: (c: C) => number = timeBatch,
): Record<string, CaseTimes> {
  for (let i = 0; i < warmupBatches; i++) for (const c of cases) time(c);
  const ns: Record<string, number[]> = Object.fromEntries(cases.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of ordered(cases, r)) ns[c.name].push(round(time(c), 1));
  }
  if (sink === 0.5) console.log(sink); // never: keeps `sink` observable
  return Object.fromEntries(cases.map((c) => [c.name, { ns: ns[c.name], medianNs: round(median(ns[c.name]), 1) }]));
}

/** Median over rounds of a/b, each round's pair measured side by side. */
export const medianRatio = (a: CaseTimes, b: CaseTimes): number => round(median(a.ns.map((ns, i) => ns / b.ns[i])), 3);

/** A header-signed GET as the Koa adapter describes it (https, no body). */
function signedRequest(url: string, signatureMethod: 'HMAC-SHA1' | 'RSA-SHA1') {
  const u = new URL(url);
  const who = signatureMethod === 'HMAC-SHA1' ? HMAC_IDENTITY : RSA_IDENTITY;
  const signed = sign({ url, who, signatureMethod, realm: 'bench' });
  const request: OAuthRequest = {
    method: 'GET',
    uri: `${u.protocol}//${u.host}${u.pathname}`,
    secure: true,
    authorization: signed.header,
    query: u.search.slice(1),
    form: undefined,
    body: Buffer.alloc(0),
  };
  const minimal: MinimalRequest = {
    method: 'GET',
    scheme: u.protocol.slice(0, -1),
    host: u.host,
    target: `${u.pathname}${u.search}`,
    authorization: signed.header,
  };
  return { request, signed, who, minimal };
}

const hmacKeys = (): SignatureKeys => ({
  clientSecret: HMAC_IDENTITY.consumerSecret,
  tokenSecret: HMAC_IDENTITY.tokenSecret,
});

/** Throws unless the prepared request verifies: a benchmark of the refusal path would measure nothing. */
function mustVerify(request: OAuthRequest, keys: SignatureKeys): void {
  if (!verifySignature(request, keys)) throw new Error(`bench request does not verify: ${request.authorization}`);
}

export const TYPICAL_URL = 'https://api.example.com/1.1/statuses/home_timeline.json?count=20&include_entities=true';

/** The typical request, signed with `signatureMethod`. */
export const signedRequestFor = (signatureMethod: 'HMAC-SHA1' | 'RSA-SHA1') =>
  signedRequest(TYPICAL_URL, signatureMethod);

export interface MicroResults {
  baseStringBytes: number;
  rounds: number;
  /**
   * `minimal`: the lenient signature check of bench/support/minimal-verifier.ts on the same request, and
   * `minimalRatio` its cost over the raw crypto: what the protocol's own steps cost, written as fast as we could.
   */
  hmac: { verifySignature: CaseTimes; rawHmac: CaseTimes; minimal: CaseTimes; ratio: number; minimalRatio: number };
  rsa: { verifySignature: CaseTimes; rawVerify: CaseTimes; minimal: CaseTimes; ratio: number; minimalRatio: number };
  /** An LTI 1.1 launch (bench/support/lti-launch.ts): the form path, every parameter in the body. */
  lti: { verifySignature: CaseTimes; rawHmac: CaseTimes; ratio: number; parameters: number; baseStringBytes: number };
}

export function runMicro(rounds: number): MicroResults {
  const hmac = signedRequest(TYPICAL_URL, 'HMAC-SHA1');
  const keys = hmacKeys();
  mustVerify(hmac.request, keys);
  const hmacKey = `${enc(keys.clientSecret ?? '')}&${enc(keys.tokenSecret ?? '')}`;
  const base = hmac.signed.baseString;
  const minimalHmac = minimalSignatureCheck(HMAC_IDENTITY);
  if (!minimalHmac(hmac.minimal)) throw new Error('the minimal verifier refuses the bench request');
  const hmacTimes = compare(
    [
      { name: 'minimal', run: () => (minimalHmac(hmac.minimal) ? 1 : 0), batch: 10_000 },
      { name: 'verifySignature', run: () => (verifySignature(hmac.request, keys) ? 1 : 0), batch: 10_000 },
      {
        name: 'rawHmac',
        run: () => createHmac('sha1', hmacKey).update(base).digest('base64').length,
        batch: 10_000,
      },
    ],
    rounds,
  );

  const rsa = signedRequest(TYPICAL_URL, 'RSA-SHA1');
  const rsaPublicKey = createPublicKey(RSA_PUBLIC_KEY_PEM);
  mustVerify(rsa.request, { rsaPublicKey });
  const rsaBase = rsa.signed.baseString;
  const signatureBytes = Buffer.from(rsa.signed.signature, 'base64');
  const minimalRsa = minimalSignatureCheck(RSA_IDENTITY, (buffer, end, signature) =>
    verify('sha1', buffer.subarray(BASE_STRING_OFFSET, end), rsaPublicKey, Buffer.from(signature, 'base64')),
  );
  if (!minimalRsa(rsa.minimal)) throw new Error('the minimal verifier refuses the bench RSA request');
  const rsaTimes = compare(
    [
      { name: 'minimal', run: () => (minimalRsa(rsa.minimal) ? 1 : 0), batch: 2_000 },
      {
        name: 'verifySignature',
        run: () => (verifySignature(rsa.request, { rsaPublicKey }) ? 1 : 0),
        batch: 2_000,
      },
      {
        name: 'rawVerify',
        run: () => (verify('sha1', Buffer.from(rsaBase), rsaPublicKey, signatureBytes) ? 1 : 0),
        batch: 2_000,
      },
    ],
    rounds,
  );
  const lti = ltiLaunches();
  for (const launch of lti.launches) mustVerify(launch.request, launch.keys);
  const [launch] = lti.launches;
  const ltiKey = `${enc(launch.keys.clientSecret ?? '')}&${enc(launch.keys.tokenSecret ?? '')}`;
  const raw = ltiLaunches();
  const ltiTimes = compare(
    [
      {
        name: 'verifySignature',
        run: () => {
          const { request, keys } = lti.next();
          return verifySignature(request, keys) ? 1 : 0;
        },
        batch: 2_000,
      },
      {
        name: 'rawHmac',
        run: () => createHmac('sha1', ltiKey).update(raw.next().baseString).digest('base64').length,
        batch: 2_000,
      },
    ],
    rounds,
  );
  return {
    baseStringBytes: Buffer.byteLength(base),
    rounds,
    hmac: {
      verifySignature: hmacTimes.verifySignature,
      rawHmac: hmacTimes.rawHmac,
      minimal: hmacTimes.minimal,
      ratio: medianRatio(hmacTimes.verifySignature, hmacTimes.rawHmac),
      minimalRatio: medianRatio(hmacTimes.minimal, hmacTimes.rawHmac),
    },
    rsa: {
      verifySignature: rsaTimes.verifySignature,
      rawVerify: rsaTimes.rawVerify,
      minimal: rsaTimes.minimal,
      ratio: medianRatio(rsaTimes.verifySignature, rsaTimes.rawVerify),
      minimalRatio: medianRatio(rsaTimes.minimal, rsaTimes.rawVerify),
    },
    lti: {
      verifySignature: ltiTimes.verifySignature,
      rawHmac: ltiTimes.rawHmac,
      ratio: medianRatio(ltiTimes.verifySignature, ltiTimes.rawHmac),
      parameters: new URLSearchParams(launch.request.form).size,
      baseStringBytes: Buffer.byteLength(launch.baseString),
    },
  };
}

export interface ScalingPoint {
  parameters: number;
  times: CaseTimes;
  usPerCall: number;
  /** Whole call divided by the query parameters. */
  usPerParameter: number;
  /** (call − call with 1 parameter) / (parameters − 1): the cost each added parameter brings. */
  marginalUsPerParameter?: number;
}

export interface ScalingResults {
  rounds: number;
  points: ScalingPoint[];
  /** Marginal cost per parameter at 1000 over that at 100. */
  ratio: number;
}

export const SCALING_SIZES = [1, 10, 100, 1000];

/**
 * verifySignature of HMAC-SHA1 header-signed GETs with 1, 10, 100 and 1000 query parameters (plus the six
 * protocol parameters in the header). Values need percent-encoding, as real ones often do.
 */
export function runScaling(rounds: number): ScalingResults {
  const keys = hmacKeys();
  const cases: Case[] = SCALING_SIZES.map((n) => {
    const query = Array.from({ length: n }, (_, i) => `param${i}=${enc(`value ${i}/${n}`)}`).join('&');
    const { request } = signedRequest(`https://api.example.com/1.1/search.json?${query}`, 'HMAC-SHA1');
    mustVerify(request, keys);
    return {
      name: String(n),
      run: () => (verifySignature(request, keys) ? 1 : 0),
      batch: Math.max(20, Math.round(50_000 / (8 + n))), // about 50 ms a batch
    };
  });
  const times = compare(cases, rounds, 2);
  const us = (n: number) => times[String(n)].medianNs / 1000;
  const points: ScalingPoint[] = SCALING_SIZES.map((n) => ({
    parameters: n,
    times: times[String(n)],
    usPerCall: round(us(n), 3),
    usPerParameter: round(us(n) / n, 4),
    ...(n > 1 ? { marginalUsPerParameter: round((us(n) - us(1)) / (n - 1), 4) } : {}),
  }));
  const marginal = (n: number) => points.find((p) => p.parameters === n)?.marginalUsPerParameter ?? NaN;
  return { rounds, points, ratio: round(marginal(1000) / marginal(100), 3) };
}
