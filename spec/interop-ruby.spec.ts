/**
 * Interop with Ruby's oauth gem (0.5, Debian's ruby-oauth), the client the Ruby LTI 1.1 libraries (ims-lti) and many
 * older API clients sign with: requests to the demo made and sent by `OAuth::AccessToken` through
 * spec/support/ruby-oauth.rb, each answer checked here.
 *
 * The gem signs HMAC-SHA1, RSA-SHA1 and PLAINTEXT (it has no SHA-256 methods), in the header, the query string or the
 * form body (its three schemes), and adds `oauth_body_hash` (SHA-1) to a body that is not a form by itself, but for
 * PLAINTEXT: such a JSON body is signed by nothing, and refused (400 `missing_required_parameter`).
 *
 * They need ruby with the oauth gem (Debian: ruby-oauth); outside CI a machine without them skips this file with a
 * note, under CI (CI=true) it fails instead. `.ci/run` installs them.
 */
import { join } from 'node:path';
import { caseMatrix, describeClient, findInterpreter, type ClientCase } from './support/client-script';
import { ALICE, DEMO_PRIVATE_KEY, RSA_ONLY } from './support/sign';

type Scheme = 'header' | 'query_string' | 'body';
type Route = 'me' | 'form note' | 'json note';
type Case = ClientCase & { placement: Scheme; route: Route };

const TRICKY = "a b+c/d=e&f 100% é 日本 *!~'()";
const METHODS = ['HMAC-SHA1', 'RSA-SHA1', 'PLAINTEXT'];

/** What each scheme carries: a GET has no body for the protocol parameters, and a JSON body is not a form. */
const ROUTES_OF: Record<Scheme, Route[]> = {
  header: ['me', 'form note', 'json note'],
  query_string: ['me', 'form note', 'json note'],
  body: ['form note'],
};

const CASES: Case[] = [
  ...caseMatrix(METHODS, ROUTES_OF).map((c): Case => ({ who: ALICE, ...c })),
  { who: RSA_ONLY, signatureMethod: 'RSA-SHA1', placement: 'header', route: 'me' },
];

const rsa = (c: Case) => c.signatureMethod === 'RSA-SHA1';
const request = (c: Case) => ({
  method: c.route === 'me' ? 'GET' : 'POST',
  // encodeURIComponent leaves `*!~'()` as they are, which RFC 3986 allows in a query.
  path: c.route === 'me' ? `/api/me?q=${encodeURIComponent(TRICKY)}&q=2` : '/api/notes',
  scheme: c.placement,
  signature_method: c.signatureMethod,
  consumer_key: c.who.consumerKey,
  // The gem signs RSA-SHA1 with the private key given as the consumer secret, in each of its schemes.
  consumer_secret: rsa(c) ? DEMO_PRIVATE_KEY : c.who.consumerSecret,
  token: c.who.token,
  token_secret: c.who.tokenSecret,
  realm: c.placement === 'header' ? 'demo' : null,
  form: c.route === 'form note' ? [['text', TRICKY]] : null,
  json: c.route === 'json note' ? JSON.stringify({ text: TRICKY }) : null,
});

const user = { id: 1, name: 'alice' }; // rsa-client's token is alice's too

describeClient({
  title: "independent Ruby client: the oauth gem's AccessToken",
  interpreter: findInterpreter([process.env.RUBY, '/usr/bin/ruby', 'ruby'], ['-e', 'require "oauth"']),
  missing: 'ruby with the oauth gem',
  script: join(__dirname, 'support', 'ruby-oauth.rb'),
  cases: CASES,
  input: (base) => ({ base, requests: CASES.map(request) }),
  expected: (c) =>
    // PLAINTEXT signs no body hash in the gem (the body hash extension defines none for it): a body nothing signs.
    c.signatureMethod === 'PLAINTEXT' && c.route === 'json note'
      ? { status: 400, body: expect.objectContaining({ error: 'missing_required_parameter' }) }
      : { status: 200, body: c.route === 'me' ? expect.objectContaining({ user }) : { user, text: TRICKY } },
});
