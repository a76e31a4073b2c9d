/**
 * Two versions of the library side by side in one process: a git revision (default HEAD) and the working
 * tree, each transpiled into bench/tmp/, timed in alternating rounds on the same inputs. What a change to
 * src/ is worth, measured where the machine's drift cannot favour either side.
 *
 *   npx ts-node --transpile-only bench/ab.ts [rev] [rounds] [cases]
 *
 * Cases, per version: `verify`, `verifySignature` of the typical HMAC-SHA1 and RSA-SHA1 requests
 * (bench/micro.ts); `lti`, `verifySignature` of an LTI 1.1 launch, 33 parameters in a browser's form body
 * (bench/support/lti-launch.ts), alone and after `oauthBodyParser()`'s reading of it; `koa` and `express`, the guards (`requireOAuth(protector)`) with a fresh nonce every call
 * (map stores, the default MemoryNonceCache), Koa on a fake Node request, Express on a request and response
 * made as Express 4 makes them (`express5`: as Express 5 does; their making is in the time); beside the floor: one
 * HMAC of the same header. `koa-cold` is the Koa guard cold, as over HTTP: each call timed after a system call and a
 * sweep of the caches (bench/support/cold.ts), beside the floor timed the same way; run it alone (beside the warm cases
 * identical trees read 2.8 µs apart). `cases` is a comma-separated list, default `verify,koa`: run `express` or
 * `express5` alone, as a server runs one driver.
 * Express's requests, each with a map of its own on Node 20 and 22, fill V8's caches that the other cases
 * share: beside them the Koa guard read 10.3–10.9 µs a call, alone 6.7, verifySignature 4.3–4.5 in both (Node 20).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { transpileTree } from '../spec/support/transpile';
import { compare, medianRatio, signedRequestFor, timeCalls, WARMUP_BATCHES, type Case } from './micro';
import { median } from './support/stats';
import { coldEntry } from './support/cold';
import { HMAC_IDENTITY, HMAC_KEY_TEXT, RSA_PUBLIC_KEY_PEM } from './support/identities';
import { extractSrc } from './support/revision';
import { ltiLaunches } from './support/lti-launch';
import {
  expressApp,
  expressExchange,
  fakeKoaContext,
  HMAC_TOKEN,
  hmacProtectorOptions,
  signedHeaders,
} from './support/requests';

const ROOT = join(__dirname, '..');
const TMP = join(__dirname, 'tmp');

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any -- two builds of src/ */
type Library = { name: string; load: (path: string) => any };

/** src/ at `rev` (or the working tree), transpiled under bench/tmp/ so that packages resolve as from the repo. */
function build(rev: string | undefined): Library {
  const out = join(TMP, `ab-${rev ?? 'tree'}`.replace(/[^\w.-]/g, '_'));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  let root = ROOT;
  if (rev !== undefined) {
    root = join(out, 'checkout');
    mkdirSync(root);
    extractSrc(rev, root);
  }
  transpileTree(root, out, ['src']);
  return { name: rev ?? 'tree', load: (path) => require(join(out, 'src', path)) };
}

/** The guard cases, each with a slice of `pool` of its own (a nonce is used once): koa, koa-cold, then Express. */
const GUARD_SLICES = 3;

function guardCases(lib: Library, pool: string[], batch: number, cases: Set<string>): Case[] {
  const { ResourceProtector } = lib.load('protector/resource-protector.js');
  const { MemoryNonceCache } = lib.load('protector/memory-nonce-cache.js');
  const token = HMAC_TOKEN;
  const protector = new ResourceProtector(hmacProtectorOptions(new MemoryNonceCache()));
  const koa = lib.load('koa/require-oauth.js').requireOAuth(protector);
  const express = lib.load('express/require-oauth.js').requireOAuth(protector);
  const slice = pool.length / GUARD_SLICES;
  let k = 0;
  let c = slice;
  let e = 2 * slice;
  const next = () => undefined;
  const koaCall = (header: string) => {
    const ctx = fakeKoaContext(header);
    koa(ctx, next);
    if (ctx.state.credential !== token) throw new Error(`${lib.name}: the Koa guard refused a request`);
    return 1;
  };
  const apps = { 4: expressApp(4), 5: expressApp(5) };
  const expressCall = (version: 4 | 5) => () => {
    const { req, res }: any = expressExchange(pool[e++], version, apps[version]);
    express(req, res, next);
    if (res.locals.credential !== token) throw new Error(`${lib.name}: the Express guard refused a request`);
    return 1;
  };
  return [
    { name: `koa guard (${lib.name})`, run: () => koaCall(pool[k++]), batch },
    { name: `koa-cold guard (${lib.name})`, run: () => koaCall(pool[c++]), batch },
    { name: `express guard (${lib.name})`, run: expressCall(4), batch },
    { name: `express5 guard (${lib.name})`, run: expressCall(5), batch },
  ].filter((c) => cases.has(c.name.split(' ')[0]));
}

function main(): void {
  const rev = process.argv[2] ?? 'HEAD';
  const rounds = Number(process.argv[3] ?? 11);
  const cases = new Set((process.argv[4] ?? 'verify,koa').split(','));
  const libs = [build(rev), build(undefined)];
  const hmac = signedRequestFor('HMAC-SHA1');
  const rsa = signedRequestFor('RSA-SHA1');
  const hmacKeys = { clientSecret: HMAC_IDENTITY.consumerSecret, tokenSecret: HMAC_IDENTITY.tokenSecret };
  const { createPublicKey } = require('node:crypto') as typeof import('node:crypto');
  const rsaKeys = { rsaPublicKey: createPublicKey(RSA_PUBLIC_KEY_PEM) };

  const lti = ltiLaunches();
  const verifyCases: Case[] = libs.flatMap((lib) => {
    const { verifySignature } = lib.load('rfc5849/verify-signature.js');
    const launch: Case = {
      name: `verify LTI (${lib.name})`,
      run: () => {
        const { request, keys } = lti.next();
        return verifySignature(request, keys) ? 1 : 0;
      },
      batch: 1_000,
    };
    // What a guarded form post on Koa reads: oauthBodyParser's reading of the body, then the verification.
    const { parsedBody } = lib.load('http/body-value.js');
    const form = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '1' };
    const limits = lib.load('protector/settings.js').DEFAULT_LIMITS; // a protector's, by default
    const bodyThenLaunch: Case = {
      name: `body+verify LTI (${lib.name})`,
      run: () => {
        const { request, keys } = lti.next();
        parsedBody(form, request.body, limits);
        return verifySignature(request, keys, limits) ? 1 : 0;
      },
      batch: 1_000,
    };
    if (!lti.launches.every((l) => verifySignature(l.request, l.keys))) {
      throw new Error(`${lib.name}: an LTI launch does not verify`);
    }
    const ltiCases = cases.has('lti') ? [launch, bodyThenLaunch] : [];
    if (!cases.has('verify')) return ltiCases;
    return [
      ...ltiCases,
      {
        name: `verify HMAC (${lib.name})`,
        run: () => (verifySignature(hmac.request, hmacKeys) ? 1 : 0),
        batch: 10_000,
      },
      { name: `verify RSA (${lib.name})`, run: () => (verifySignature(rsa.request, rsaKeys) ? 1 : 0), batch: 1_000 },
    ];
  });
  const batch = 5_000;
  const pool = signedHeaders(GUARD_SLICES * batch * (rounds + WARMUP_BATCHES));
  const { hmac: floorHmac, hmacKey } = libs[1].load('rfc5849/hmac.js');
  const floorKey = hmacKey('sha1', Buffer.from(HMAC_KEY_TEXT));
  let f = 0;
  const floor: Case = {
    name: 'floor: one HMAC of the header',
    run: () => floorHmac(floorKey, pool[f++ % pool.length], 'base64').length,
    batch,
  };
  const sweep = coldEntry();
  const floorCold = { ...floor, name: 'the floor, cold', before: sweep };
  const guards = libs.flatMap((lib) => {
    try {
      return guardCases(lib, pool, batch, cases);
    } catch (error) {
      console.log(`${lib.name}: no guard cases (${(error as Error).message.split('\n')[0]})`);
      return [];
    }
  });
  // What making Express's req and res costs, for each Express the cases run, to subtract from that guard's time.
  const makings = new Map<string, Case>();
  for (const [kind, version] of [
    ['express', 4],
    ['express5', 5],
  ] as const) {
    if (!cases.has(kind)) continue;
    let x = 0;
    const run = () => expressExchange(pool[x++ % pool.length], version).req.rawHeaders.length;
    makings.set(`${kind} guard`, { name: `an Express ${version} req and res`, run, batch });
  }
  const { createHmac } = require('node:crypto') as typeof import('node:crypto');
  const ltiKey = `${lti.launches[0].keys.clientSecret}&`;
  const ltiRaw = ltiLaunches();
  const ltiHmac: Case[] = cases.has('lti')
    ? [
        {
          name: 'raw HMAC of the LTI base string',
          run: () => createHmac('sha1', ltiKey).update(ltiRaw.next().baseString).digest('base64').length,
          batch: 1_000,
        },
      ]
    : [];
  const colds = guards.filter((c) => c.name.startsWith('koa-cold'));
  const warm = [...verifyCases, ...ltiHmac, ...guards.filter((c) => !colds.includes(c)), floor, ...makings.values()];
  const cold = [...colds.map((c) => ({ ...c, before: sweep })), floorCold];
  const times = {
    ...compare(warm, rounds),
    ...(colds.length > 0 ? compare(cold, rounds, WARMUP_BATCHES, timeCalls) : {}),
  };
  const us = (name: string) => (times[name].medianNs / 1000).toFixed(2).padStart(7);
  console.log(`Node ${process.version}, ${rounds} rounds; A = ${libs[0].name}, B = ${libs[1].name} (the working tree)`);
  for (const kind of [
    'verify HMAC',
    'verify RSA',
    'verify LTI',
    'body+verify LTI',
    'koa guard',
    'koa-cold guard',
    'express guard',
    'express5 guard',
  ]) {
    const [a, b] = libs.map((lib) => `${kind} (${lib.name})`);
    if (!times[a] || !times[b]) continue;
    const making = makings.get(kind);
    const below = making ? [floor, making] : [kind === 'koa-cold guard' ? floorCold : floor];
    const over = (name: string) =>
      ((times[name].medianNs - below.reduce((sum, c) => sum + times[c.name].medianNs, 0)) / 1000).toFixed(2);
    // Cold readings move more between rounds: the round-by-round difference says what B changed.
    const difference = () => {
      const delta = times[b].ns.map((ns, i) => (ns - times[a].ns[i]) / 1000);
      return `, B − A ${median(delta).toFixed(2)} µs (rounds ${Math.min(...delta).toFixed(1)} to ${Math.max(...delta).toFixed(1)})`;
    };
    const extra = kind.endsWith('guard')
      ? `  over the floor${below.length > 1 ? ' and the making' : ''}: ${over(a)} → ${over(b)} µs` +
        (kind === 'koa-cold guard' ? difference() : '')
      : '';
    console.log(
      `${kind.padEnd(14)} A ${us(a)} µs  B ${us(b)} µs  B/A ${medianRatio(times[b], times[a]).toFixed(3)}${extra}`,
    );
  }
  console.log(`${'floor'.padEnd(14)}   ${us(floor.name)} µs`);
  if (colds.length > 0) console.log(`${'floor, cold'.padEnd(14)}   ${us(floorCold.name)} µs`);
  for (const { name } of ltiHmac) console.log(`${'LTI raw HMAC'.padEnd(14)}   ${us(name)} µs (${name})`);
  for (const { name } of makings.values()) console.log(`${'making'.padEnd(14)}   ${us(name)} µs (${name})`);
}

main();
