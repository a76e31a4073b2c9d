/**
 * Interop with Python's two OAuth 1 client libraries, the ones Authlib and oauthlib users sign with: requests to the
 * demo signed by `oauthlib.oauth1.Client` (what requests-oauthlib uses) and `authlib.oauth1.ClientAuth` (Authlib's
 * OAuth1Session and OAuth1Auth), through spec/support/python-sign.py, then sent as they were signed.
 *
 * oauthlib signs every method the demo enables, in each of the three places (§3.5), and adds `oauth_body_hash` to a
 * JSON body by itself. Authlib signs HMAC-SHA1, RSA-SHA1 and PLAINTEXT (its built-ins) in the Authorization header
 * only: in the query and the form body it sends every `oauth_` parameter twice (authlib/authlib#542), which §3.1
 * forbids and the verifier refuses (400), so those places are not Authlib's to test. It sends a JSON body's hash when
 * asked (`force_include_body`), as the README says.
 *
 * They need python3 with oauthlib, Authlib and cryptography (Debian: python3-oauthlib, python3-authlib); outside CI a
 * machine without them skips this file with a note, under CI (CI=true) it fails instead. `.ci/run` installs them.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describeWith, findInterpreter } from './support/client-script';
import { startDemo } from './support/demo';
import { ALICE, DEMO_PRIVATE_KEY, enc, RSA_ONLY, type Identity } from './support/sign';

/** A python3 that has both libraries, if there is one. */
const PYTHON = findInterpreter(
  [process.env.PYTHON, '/usr/bin/python3', 'python3'],
  ['-c', 'import oauthlib, authlib, cryptography'],
);

type Lib = 'oauthlib' | 'authlib';
type Placement = 'header' | 'query' | 'body';

interface Case {
  lib: Lib;
  who: Identity;
  signatureMethod: string;
  placement: Placement;
  route: 'me' | 'form note' | 'json note';
}

const TRICKY = "a b+c/d=e&f 100% é 日本 *!~'()";
const ALL_METHODS = ['HMAC-SHA1', 'HMAC-SHA256', 'HMAC-SHA512', 'RSA-SHA1', 'RSA-SHA256', 'RSA-SHA512', 'PLAINTEXT'];

const CASES: Case[] = [
  ...ALL_METHODS.flatMap((signatureMethod) =>
    (['header', 'query', 'body'] as Placement[]).flatMap((placement): Case[] => [
      ...(placement === 'body'
        ? []
        : [{ lib: 'oauthlib', who: ALICE, signatureMethod, placement, route: 'me' } as Case]),
      { lib: 'oauthlib', who: ALICE, signatureMethod, placement, route: 'form note' },
    ]),
  ),
  ...ALL_METHODS.map((signatureMethod): Case => ({
    lib: 'oauthlib',
    who: ALICE,
    signatureMethod,
    placement: 'header',
    route: 'json note',
  })),
  ...['RSA-SHA1', 'RSA-SHA512'].map((signatureMethod): Case => ({
    lib: 'oauthlib',
    who: RSA_ONLY,
    signatureMethod,
    placement: 'header',
    route: 'me',
  })),
  ...['HMAC-SHA1', 'RSA-SHA1', 'PLAINTEXT'].flatMap((signatureMethod) =>
    (['me', 'form note', 'json note'] as const).map((route): Case => ({
      lib: 'authlib',
      who: ALICE,
      signatureMethod,
      placement: 'header',
      route,
    })),
  ),
];

let demo: Awaited<ReturnType<typeof startDemo>>;
let signed: { url: string; headers: Record<string, string>; body: string | null }[];

describeWith(PYTHON, 'python3 with oauthlib and Authlib')('independent Python clients: oauthlib and Authlib', () => {
  beforeAll(async () => {
    demo = await startDemo();
    const requests = CASES.map((c) => ({
      lib: c.lib,
      method: c.route === 'me' ? 'GET' : 'POST',
      // encodeURIComponent leaves `*!~'()` as they are, which RFC 3986 allows in a query; Authlib refuses a URL
      // with a raw `'` before signing, so its URLs escape every reserved character (§3.6's encoding).
      url:
        c.route === 'me'
          ? `${demo.base}/api/me?q=${(c.lib === 'authlib' ? enc : encodeURIComponent)(TRICKY)}&q=2`
          : `${demo.base}/api/notes`,
      placement: c.placement,
      signature_method: c.signatureMethod,
      consumer_key: c.who.consumerKey,
      consumer_secret: c.signatureMethod.startsWith('RSA') ? null : c.who.consumerSecret,
      token: c.who.token,
      token_secret: c.who.tokenSecret,
      rsa_key: c.signatureMethod.startsWith('RSA') ? DEMO_PRIVATE_KEY : null,
      realm: c.placement === 'header' ? 'demo' : null,
      body:
        c.route === 'form note'
          ? new URLSearchParams([['text', TRICKY]]).toString()
          : c.route === 'json note'
            ? JSON.stringify({ text: TRICKY })
            : null,
      content_type:
        c.route === 'form note'
          ? 'application/x-www-form-urlencoded'
          : c.route === 'json note'
            ? 'application/json'
            : null,
    }));
    const run = spawnSync(PYTHON ?? 'python3', [join(__dirname, 'support', 'python-sign.py')], {
      input: JSON.stringify(requests),
      encoding: 'utf8',
      // The demo is plain http on loopback; Authlib signs for it only with its development switch.
      env: { ...process.env, AUTHLIB_INSECURE_TRANSPORT: '1' },
    });
    if (run.status !== 0) throw new Error(`python-sign.py failed: ${run.error?.message ?? run.stderr}`);
    signed = JSON.parse(run.stdout) as typeof signed;
  });
  afterAll(() => demo?.stop());

  it.each(CASES.map((c, k) => [`${c.lib} ${c.signatureMethod} in the ${c.placement}: ${c.route}`, k] as const))(
    '%s',
    async (_name, k) => {
      const request = signed[k];
      const { route } = CASES[k];
      const res = await fetch(request.url, {
        method: route === 'me' ? 'GET' : 'POST',
        headers: request.headers,
        body: request.body ?? undefined,
      });
      const body = (await res.json()) as Record<string, unknown>;
      expect({ status: res.status, body }).toEqual({
        status: 200,
        body:
          route === 'me'
            ? expect.objectContaining({ user: { id: 1, name: 'alice' } })
            : { user: { id: 1, name: 'alice' }, text: TRICKY },
      });
    },
  );
});
