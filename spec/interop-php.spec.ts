/**
 * Interop with PHP's OAuth extension (PECL oauth 2.0, Debian's php-oauth), the OAuth 1.0a client built into PHP that
 * many PHP integrations use: requests to the demo made and sent by `OAuth::fetch()` through
 * spec/support/php-oauth.php, each answer checked here.
 *
 * The extension signs HMAC-SHA1, HMAC-SHA256, RSA-SHA1 and PLAINTEXT, in the header, the query (its URI auth type) or
 * the form body (its FORM auth type, for a POST). It has no `oauth_body_hash`: a JSON body it sends is signed by
 * nothing, and refused (400 `missing_required_parameter`), as the README says. A name the URL's query repeats
 * (`?q=1&q=2`) it signs once (PHP's arrays keep one value): 401 `invalid_signature`, as §3.4.1.3.1 signs both.
 *
 * They need php with the extension (Debian: php-cli, php-oauth); outside CI a machine without them skips this file with
 * a note, under CI (CI=true) it fails instead. `.ci/run` installs them.
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

type AuthType = 'header' | 'query' | 'form';
type Route = 'me' | 'me, a repeated name' | 'form note' | 'json note';
type Case = ClientCase & { placement: AuthType; route: Route };

const METHODS = ['HMAC-SHA1', 'HMAC-SHA256', 'RSA-SHA1', 'PLAINTEXT'];

/** What each auth type carries: the form auth type puts the protocol parameters in a form body, a POST's. */
const ROUTES_OF: Record<AuthType, Route[]> = {
  header: ['me', 'form note', 'json note'],
  query: ['me', 'form note'],
  form: ['form note'],
};

const CASES: Case[] = [
  ...caseMatrix(METHODS, ROUTES_OF).map((c): Case => ({ who: ALICE, ...c })),
  { who: RSA_ONLY, signatureMethod: 'RSA-SHA1', placement: 'header', route: 'me' },
  { who: ALICE, signatureMethod: 'HMAC-SHA1', placement: 'header', route: 'me, a repeated name' },
];

const PATHS: Record<Route, string> = {
  me: `/api/me?q=${encodeURIComponent(TRICKY)}`,
  'me, a repeated name': '/api/me?q=1&q=2',
  'form note': '/api/notes',
  'json note': '/api/notes',
};

const request = (base: string) => (c: Case) => ({
  method: c.route.startsWith('me') ? 'GET' : 'POST',
  url: `${base}${PATHS[c.route]}`,
  auth_type: c.placement,
  // The extension wants a consumer secret for RSA-SHA1 too (it does not use it).
  consumer_secret: c.who.consumerSecret ?? 'unused',
  rsa_key: c.signatureMethod === 'RSA-SHA1' ? DEMO_PRIVATE_KEY : null,
  ...signedBy(c),
  ...noteOf(c.route),
});

describeClient({
  title: "independent PHP client: the OAuth extension's fetch()",
  interpreter: findInterpreter(
    [process.env.PHP, '/usr/bin/php', 'php'],
    ['-r', 'exit(class_exists("OAuth") ? 0 : 1);'],
  ),
  missing: 'php with the OAuth extension',
  args: [join(__dirname, 'support', 'php-oauth.php')],
  cases: CASES,
  input: (base) => ({ requests: CASES.map(request(base)) }),
  expected: (c) =>
    c.route === 'json note'
      ? refused(400, 'missing_required_parameter')
      : c.route === 'me, a repeated name'
        ? // It signs one value of a name the query repeats (PHP's arrays keep one), where §3.4.1.3.1 signs both.
          refused(401, 'invalid_signature')
        : accepted(c.route),
});
