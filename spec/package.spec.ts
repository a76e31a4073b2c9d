/**
 * The published package, as a consumer gets it: `npm pack` (which builds through `prepack`) must ship compiled
 * JavaScript and declarations only, and the tarball, installed into a fresh app next to its peers from the
 * registry, must serve a signed request from plain CommonJS, load through `import()` and static ESM imports
 * (the `exports` map), and type-check a strict TypeScript consumer with node16 resolution.
 *
 * Needs the npm registry (or a warm npm cache: installs use --prefer-offline). Takes tens of seconds.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { ALICE, formBody, sign, type Identity } from './support/sign';

jest.setTimeout(180_000);

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TSC = require.resolve('typescript/bin/tsc');
const TS_NODE = require.resolve('ts-node/dist/bin.js');

/** Peers and runtime companions at the versions the README names, plus what the TypeScript check needs. */
const CONSUMER_DEPS = [
  'koa@3',
  'routing-controllers@0.11.3',
  'typedi@0.10',
  'reflect-metadata',
  'class-validator@0.14',
  'class-transformer@0.5',
  '@koa/router@13',
  'koa-bodyparser@4',
  '@types/node@20',
  '@types/koa@3',
];

/** What the README's quick start installs for the Express driver (in an app of its own: express 5 brings a
 * content-disposition with types of its own, which @types/koa does not expect). */
const EXPRESS_DEPS = ['express@5', 'body-parser@2', '@types/express@5'];

/** Every path a tarball may hold; anything else (sources, tests, demo, bench, maps, tarballs) fails the test. */
const ALLOWED = [
  /^package\/package\.json$/,
  /^package\/README\.md$/,
  /^package\/LICENSE$/,
  /^package\/dist\/[\w./-]+\.js$/,
  /^package\/dist\/[\w./-]+\.d\.ts$/,
  // The README links them, and the benchmarks page shows the latest results' chart.
  /^package\/docs\/[\w-]+\.md$/,
  /^package\/bench\/results\/latest\.svg$/,
];

/**
 * Settings an enclosing `npm test` exports (local prefix, lifecycle, dry-run, ...) must not steer the nested npm
 * runs, e.g. into installing into this repo; registry, proxy, certificate and cache settings are kept.
 */
const KEEP_NPM_ENV =
  /^npm_config_(.*registry.*|\/\/.*|cache|cafile|ca|cert|key|proxy|https?_proxy|noproxy|strict_ssl|userconfig|globalconfig)$/i;
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_/i.test(k) || KEEP_NPM_ENV.test(k)) env[k] = v;
  }
  return env;
}

const APP_JS = String.raw`
'use strict';
require('reflect-metadata');
const Koa = require('koa');
const { useContainer, useKoaServer, JsonController, Get } = require('routing-controllers');
const { Container, Service } = require('typedi');
const lib = require('routing-controllers-oauth1');
const { ResourceProtector, RequireOAuth, Credential, createExistsNonce, MemoryNonceCache, oauthBodyParser } = lib;

const clients = new Map([
  ['demo-client', { getClientSecret: () => 'demo-client-secret', getRsaPublicKey: () => undefined }],
]);
const tokens = new Map([
  [
    'demo-client demo-token',
    {
      user: { id: 1, name: 'alice' },
      getOAuthToken: () => 'demo-token',
      getOAuthTokenSecret: () => 'demo-token-secret',
      getClientId: () => 'demo-client',
    },
  ],
]);

// A controller written without decorator syntax: each decorator applied as a plain function.
class MeController {
  me(credential) {
    return { user: credential.user, token: credential.getOAuthToken() };
  }
}
const desc = () => Object.getOwnPropertyDescriptor(MeController.prototype, 'me');
Reflect.defineMetadata('design:paramtypes', [Object], MeController.prototype, 'me');
Credential()(MeController.prototype, 'me', 0);
RequireOAuth()(MeController.prototype, 'me');
Get('/me')(MeController.prototype, 'me', desc());
JsonController('/api')(MeController);
Service()(MeController);

(async () => {
  const esm = await import('routing-controllers-oauth1');
  const viaImport = esm.ResourceProtector === ResourceProtector && esm.RequireOAuth === RequireOAuth;
  let deepImportBlocked = false;
  try {
    require('routing-controllers-oauth1/dist/index.js');
  } catch (e) {
    deepImportBlocked = e.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
  }
  const pkgVersion = require('routing-controllers-oauth1/package.json').version;

  useContainer(Container);
  const protector = new ResourceProtector({
    queryClient: (key) => clients.get(key),
    queryToken: (key, token) => tokens.get(key + ' ' + token),
    existsNonce: createExistsNonce(new MemoryNonceCache()),
    realm: 'packed',
    allowInsecureTransport: true,
  });
  Container.set(ResourceProtector, protector);
  const app = new Koa();
  app.use(oauthBodyParser(protector));
  useKoaServer(app, { controllers: [MeController] });
  const server = app.listen(0, '127.0.0.1', () => {
    const report = { port: server.address().port, viaImport, deepImportBlocked, pkgVersion, exports: Object.keys(lib).length };
    process.stdout.write(JSON.stringify(report) + '\n');
  });
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
`;

const ESM_MJS = `
import { ResourceProtector, RequireOAuth, Credential, OAuthError } from 'routing-controllers-oauth1';
import { percentEncode, OAuthError as CoreOAuthError } from 'routing-controllers-oauth1/core';
import lib from 'routing-controllers-oauth1';
const ok =
  typeof ResourceProtector === 'function' &&
  typeof RequireOAuth === 'function' &&
  typeof Credential === 'function' &&
  typeof OAuthError === 'function' &&
  CoreOAuthError === OAuthError &&
  percentEncode('a b~') === 'a%20b~' &&
  lib.ResourceProtector === ResourceProtector;
console.log(JSON.stringify({ ok }));
`;

/** The core alone: it verifies a signature and loads no web framework, routing-controllers or typedi. */
const CORE_JS = String.raw`
'use strict';
const core = require('routing-controllers-oauth1/core');
const loaded = Object.keys(require.cache).filter((file) => /node_modules[\\/](koa|express|routing-controllers|typedi|@koa)[\\/]/.test(file));
const keys = { clientSecret: 'cs', tokenSecret: 'ts' };
const params = core.parameters([['oauth_consumer_key', 'ck'], ['a', '1']]);
const base = core.signatureBaseString('GET', 'https://example.com/r', params);
const signature = core.STANDARD_SIGNATURE_METHODS.get('HMAC-SHA1').sign(base, keys);
const verifies = core.STANDARD_SIGNATURE_METHODS.get('HMAC-SHA1').verify(base, signature, keys);
console.log(JSON.stringify({ loaded, verifies }));
`;

const CONSUMER_TS = `
import 'reflect-metadata';
import {
  ResourceProtector,
  RequireOAuth,
  Credential,
  createExistsNonce,
  currentCredential,
  MemoryNonceCache,
  oauthBodyParser,
  type Client,
  type TokenCredential,
  type ResourceProtectorOptions,
  type AccessRules,
  type BodyShape,
  type CollectedParameters,
  type Parameter,
  type SettingOptions,
} from 'routing-controllers-oauth1';

class MyClient implements Client {
  constructor(private readonly secret: string) {}
  getClientSecret() {
    return this.secret;
  }
  getRsaPublicKey() {
    return undefined;
  }
}
class MyToken implements TokenCredential {
  readonly user = { id: 1, name: 'alice' };
  getOAuthToken() {
    return 'demo-token';
  }
  getOAuthTokenSecret() {
    return 'demo-token-secret';
  }
}

const options: ResourceProtectorOptions<MyClient, MyToken> = {
  queryClient: async (key) => (key === 'demo-client' ? new MyClient('demo-client-secret') : undefined),
  queryToken: () => new MyToken(),
  existsNonce: createExistsNonce(new MemoryNonceCache()),
  allowInsecureTransport: true,
};
export const protector: ResourceProtector<MyClient, MyToken> = new ResourceProtector(options);
export const middleware = oauthBodyParser(protector);

export class MeController {
  @RequireOAuth({ signatureMethods: ['HMAC-SHA256'] })
  me(@Credential() credential: MyToken): { name: string; again?: string } {
    return { name: credential.user.name, again: currentCredential<MyToken>()?.user.name };
  }
}

// The types the public ones refer to can be named from the package (a helper taking oauth.parameters on, say).
export const named = (
  parameters: CollectedParameters,
  shape: BodyShape,
  rules: AccessRules,
  settings: SettingOptions,
): [Parameter[], BodyShape, AccessRules, SettingOptions] => [parameters.all, shape, rules, settings];

// The declarations are real types, not \`any\`: a protector without its stores must not compile.
// @ts-expect-error queryToken and existsNonce are required
new ResourceProtector({ queryClient: () => undefined });
`;

describe('the packed package', () => {
  let packDir: string;
  let appDir: string;
  let tarball: string;
  let files: string[];
  let server: ChildProcess | undefined;
  const tourDirs: string[] = [];

  beforeAll(async () => {
    packDir = mkdtempSync(join(tmpdir(), 'rco1-pack-'));
    appDir = mkdtempSync(join(tmpdir(), 'rco1-app-'));
    const before = readdirSync(ROOT).filter((f) => f.endsWith('.tgz'));
    await run(NPM, ['pack', '--pack-destination', packDir, '--silent'], {
      cwd: ROOT,
      env: cleanEnv(),
      timeout: 120_000,
    });
    expect(readdirSync(ROOT).filter((f) => f.endsWith('.tgz'))).toEqual(before);
    const packed = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
    expect(packed).toHaveLength(1);
    tarball = join(packDir, packed[0]);
    const { stdout } = await run('tar', ['-tzf', tarball]);
    files = stdout.split('\n').filter(Boolean).sort();
  });

  afterAll(() => {
    server?.kill();
    for (const dir of [packDir, appDir, ...tourDirs]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds compiled JavaScript, declarations, package.json, README, LICENSE and the docs only', () => {
    expect(files.filter((f) => !ALLOWED.some((re) => re.test(f)))).toEqual([]);
    for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']) {
      expect(files).toContain(`package/${f}`);
    }
    // Every document the README links to is in the package, and every image those documents show.
    const linked = [...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/\]\((docs\/[\w-]+\.md)/g)];
    for (const [, doc] of linked) {
      expect(files).toContain(`package/${doc}`);
      for (const [, image] of readFileSync(join(ROOT, doc), 'utf8').matchAll(/!\[[^\]]*\]\(([^)#\s]+)\)/g)) {
        expect(files).toContain(`package/${join('docs', image)}`);
      }
    }
    // Every module has its declaration beside it.
    const js = files.filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3));
    const dts = files.filter((f) => f.endsWith('.d.ts')).map((f) => f.slice(0, -5));
    expect(dts).toEqual(js);
  });

  it('installs into a fresh app and serves a signed request from CommonJS, import() and static ESM', async () => {
    writeFileSync(join(appDir, 'package.json'), JSON.stringify({ name: 'consumer', version: '0.0.0', private: true }));
    await run(
      NPM,
      ['install', tarball, ...CONSUMER_DEPS, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
      { cwd: appDir, env: cleanEnv(), timeout: 150_000 },
    );
    expect(existsSync(join(appDir, 'node_modules', 'routing-controllers-oauth1', 'src'))).toBe(false);

    const { stdout: esmOut } = await run(process.execPath, [writeApp('esm-check.mjs', ESM_MJS)], { cwd: appDir });
    expect(JSON.parse(esmOut)).toEqual({ ok: true });
    const { stdout: coreOut } = await run(process.execPath, [writeApp('core-check.js', CORE_JS)], { cwd: appDir });
    expect(JSON.parse(coreOut)).toEqual({ loaded: [], verifies: true });

    const child = spawn(process.execPath, [writeApp('app.js', APP_JS)], {
      cwd: appDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const report = await new Promise<{
      port: number;
      viaImport: boolean;
      deepImportBlocked: boolean;
      pkgVersion: string;
      exports: number;
    }>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf('\n');
        if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
      });
      child.on('exit', (code) => reject(new Error(`consumer app exited (${code}): ${stderr}`)));
    });
    expect(report).toMatchObject({ viaImport: true, deepImportBlocked: true, pkgVersion: '0.1.0' });
    expect(report.exports).toBeGreaterThan(10);

    const url = `http://127.0.0.1:${report.port}/api/me`;
    const signed = await fetch(url, { headers: { Authorization: sign({ url, who: ALICE, realm: 'packed' }).header } });
    expect(signed.status).toBe(200);
    expect(await signed.json()).toEqual({ user: { id: 1, name: 'alice' }, token: 'demo-token' });

    const unsigned = await fetch(url);
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get('www-authenticate')).toMatch(/^OAuth realm="packed"/);
    expect(await unsigned.json()).toMatchObject({ error: expect.any(String) });
    expect(stderr).not.toMatch(/Error/);
  });

  it('ships no source-map comment pointing at a map it does not hold', async () => {
    const { stdout } = await run('tar', ['-xzOf', tarball, '--wildcards', 'package/dist/*.js'], {
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(stdout).toContain('ResourceProtector');
    expect(stdout).not.toMatch(/sourceMappingURL/);
  });

  /** The repo's own tsc on the consumer file, strict, node16 resolution, library declarations checked too. */
  async function typeCheck(): Promise<{ code: number | undefined; out: string }> {
    const file = writeApp('consumer.ts', CONSUMER_TS);
    const flags = ['--noEmit', '--strict', '--experimentalDecorators', '--target', 'es2022'];
    const args = [TSC, ...flags, '--module', 'node16', '--moduleResolution', 'node16', file];
    return run(process.execPath, args, { cwd: appDir }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code, out: `${e.stdout}${e.stderr}` }),
    );
  }

  /** A fenced block of the README: the one after `<!-- tour: name -->`, or the first of a language after a heading. */
  function readmeBlock(marker: string, language: string): string {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const at = readme.indexOf(marker);
    expect(at).toBeGreaterThanOrEqual(0);
    const open = readme.indexOf(`\`\`\`${language}\n`, at) + language.length + 4;
    return readme.slice(open, readme.indexOf('\n```', open) + 1);
  }

  /** An app of its own with the package and the README's install lines for a driver. */
  async function tourApp(ending: 'koa' | 'express'): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), `rco1-tour-${ending}-`));
    tourDirs.push(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'tour', version: '0.0.0', private: true }));
    const deps =
      ending === 'express' ? [...CONSUMER_DEPS.filter((d) => !/koa/.test(d)), ...EXPRESS_DEPS] : CONSUMER_DEPS;
    await run(NPM, ['install', tarball, ...deps, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: dir,
      env: cleanEnv(),
      timeout: 150_000,
    });
    return dir;
  }

  /** Runs app.ts with ts-node (type-checked, as `npx ts-node app.ts` does) and answers its URL. */
  async function startTour(ending: 'koa' | 'express', dir: string): Promise<{ child: ChildProcess; base: string }> {
    const source = readmeBlock('<!-- tour: common -->', 'ts') + readmeBlock(`<!-- tour: ${ending} -->`, 'ts');
    writeFileSync(join(dir, 'tsconfig.json'), readmeBlock('with decorators on in `tsconfig.json`', 'json'));
    writeFileSync(join(dir, 'app.ts'), source);
    // As a build compiles it, every library's declarations checked too: an Express app has no Koa types installed.
    await run(process.execPath, [TSC, '-p', '.', '--noEmit', '--skipLibCheck', 'false'], {
      cwd: dir,
      env: cleanEnv(),
    }).catch((error: { stdout?: string }) => {
      throw new Error(`tsc refused the README's ${ending} app:\n${error.stdout}`);
    });
    const child = spawn(process.execPath, [TS_NODE, 'app.ts'], {
      cwd: dir,
      env: { ...cleanEnv(), PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const base = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', () => {
        const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
        if (url) resolve(url);
      });
      child.on('exit', (code) => reject(new Error(`the README's ${ending} app exited (${code}):\n${out}`)));
    });
    return { child, base };
  }

  const TOUR_WHO: Identity = {
    consumerKey: 'my-client',
    consumerSecret: 'my-client-secret',
    token: 'my-token',
    tokenSecret: 'my-token-secret',
  };

  it.each(['koa', 'express'] as const)(
    "runs the README's quick start as written on the %s driver, and its sign commands against it",
    async (ending) => {
      const dir = ending === 'koa' ? appDir : await tourApp(ending);
      const { child, base } = await startTour(ending, dir);
      try {
        const me = await fetch(`${base}/api/me`, {
          headers: { Authorization: sign({ url: `${base}/api/me`, who: TOUR_WHO, realm: 'tour' }).header },
        });
        expect([me.status, await me.json()]).toEqual([200, { user: { id: 1, name: 'alice' } }]);
        const form: [string, string][] = [['text', 'hello']];
        const note = await fetch(`${base}/api/notes`, {
          method: 'POST',
          headers: {
            Authorization: sign({ method: 'POST', url: `${base}/api/notes`, form, who: TOUR_WHO }).header,
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: formBody(form),
        });
        expect([note.status, await note.json()]).toEqual([200, { user: 'alice', text: 'hello' }]);
        const unsigned = await fetch(`${base}/api/me`);
        expect([unsigned.status, unsigned.headers.get('www-authenticate')]).toEqual([401, 'OAuth realm="tour"']);
        // The README's own commands, the port changed: the installed CLI prints curl commands, sh runs them.
        const commands = readmeBlock('Then sign a request with the library', 'sh')
          .split(/\n(?=npx )/)
          .map((command) => command.replace(/\n#.*$/gm, '').replaceAll('http://127.0.0.1:3000', base));
        const outputs = [];
        for (const command of commands) outputs.push((await run('sh', ['-c', command], { cwd: dir })).stdout);
        expect(outputs.map((o) => JSON.parse(o) as unknown)).toEqual([
          { user: { id: 1, name: 'alice' } },
          { user: 'alice', text: 'hello' },
        ]);
      } finally {
        child.kill();
      }
    },
  );

  // The declarations must not need the optional ioredis peer (RedisNonceCache declares the client shape it uses).
  // (The tests below rely on the install above: jest runs them in order.)
  it('type-checks a strict TypeScript consumer that has not installed the optional ioredis', async () => {
    expect(await typeCheck()).toEqual({ code: 0, out: '' });
  });

  it('type-checks a strict TypeScript consumer with node16 resolution', async () => {
    await run(NPM, ['install', 'ioredis@5', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: appDir,
      env: cleanEnv(),
      timeout: 120_000,
    });
    expect(await typeCheck()).toEqual({ code: 0, out: '' });
  });

  function writeApp(name: string, text: string): string {
    const path = join(appDir, name);
    writeFileSync(path, text);
    return path;
  }
});
