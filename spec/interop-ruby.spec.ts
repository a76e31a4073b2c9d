/**
 * Interop with Ruby's two OAuth 1 clients: the oauth gem (0.5, Debian's ruby-oauth), which the Ruby LTI 1.1 library
 * (ims-lti) and many older API clients sign with, and simple_oauth (0.3, ruby-simple-oauth), which the twitter gem
 * signs with: requests to the demo made and sent through spec/support/ruby-oauth.rb, each answer checked here.
 *
 * The oauth gem's `OAuth::AccessToken` signs HMAC-SHA1, RSA-SHA1 and PLAINTEXT (it has no SHA-256 methods), in the
 * header, the query string or the form body (its three schemes), and adds `oauth_body_hash` (SHA-1) to a body that is
 * not a form by itself, but for PLAINTEXT: such a JSON body is signed by nothing, and refused (400
 * `missing_required_parameter`). simple_oauth makes the header alone, with the same three methods, and no body hash.
 *
 * They need ruby with both (Debian: ruby-oauth, ruby-simple-oauth); outside CI a machine without them skips this file
 * with a note, under CI (CI=true) it fails instead. `.ci/run` installs them.
 */
import { join } from 'node:path';
import {
  accepted,
  caseMatrix,
  describeClient,
  findInterpreter,
  noteOf,
  refused,
  signedBy,
  TRICKY,
  type ClientCase,
} from './support/client-script';
import { ALICE, DEMO_PRIVATE_KEY, RSA_ONLY } from './support/sign';

type Scheme = 'header' | 'query_string' | 'body';
type Route = 'me' | 'form note' | 'json note';
type Case = ClientCase & { placement: Scheme; route: Route };

const METHODS = ['HMAC-SHA1', 'RSA-SHA1', 'PLAINTEXT'];

/** What each scheme carries: a GET has no body for the protocol parameters, and a JSON body is not a form. */
const ROUTES_OF: Record<Scheme, Route[]> = {
  header: ['me', 'form note', 'json note'],
  query_string: ['me', 'form note', 'json note'],
  body: ['form note'],
};

const CASES: Case[] = [
  ...caseMatrix(METHODS, ROUTES_OF).map((c): Case => ({ library: 'oauth', who: ALICE, ...c })),
  { library: 'oauth', who: RSA_ONLY, signatureMethod: 'RSA-SHA1', placement: 'header', route: 'me' },
  // simple_oauth makes the header alone.
  ...caseMatrix(METHODS, { header: ROUTES_OF.header }).map((c): Case => ({
    library: 'simple_oauth',
    who: ALICE,
    ...c,
  })),
];

const rsa = (c: Case) => c.signatureMethod === 'RSA-SHA1';
const request = (c: Case) => ({
  library: c.library,
  method: c.route === 'me' ? 'GET' : 'POST',
  // encodeURIComponent leaves `*!~'()` as they are, which RFC 3986 allows in a query.
  path: c.route === 'me' ? `/api/me?q=${encodeURIComponent(TRICKY)}&q=2` : '/api/notes',
  scheme: c.placement,
  // Both sign RSA-SHA1 with the private key given as the consumer secret (the oauth gem in each of its schemes).
  consumer_secret: rsa(c) ? DEMO_PRIVATE_KEY : c.who.consumerSecret,
  realm: c.placement === 'header' && c.library === 'oauth' ? 'demo' : null,
  ...signedBy(c),
  ...noteOf(c.route),
});

describeClient({
  title: 'independent Ruby clients: the oauth gem and simple_oauth',
  interpreter: findInterpreter(
    [process.env.RUBY, '/usr/bin/ruby', 'ruby'],
    ['-e', 'require "oauth"; require "simple_oauth"'],
  ),
  missing: 'ruby with the oauth and simple_oauth gems',
  args: [join(__dirname, 'support', 'ruby-oauth.rb')],
  cases: CASES,
  input: (base) => ({ base, requests: CASES.map(request) }),
  expected: (c) =>
    // The oauth gem hashes no body for PLAINTEXT (the body hash extension defines none for it), and simple_oauth none
    // at all: a body nothing signs.
    c.route === 'json note' && (c.signatureMethod === 'PLAINTEXT' || c.library === 'simple_oauth')
      ? refused(400, 'missing_required_parameter')
      : accepted(c.route),
});
