/**
 * Interop with Go's github.com/gomodule/oauth1 (Gary Burd's go-oauth, Debian's golang-github-gomodule-oauth1-dev), the
 * OAuth 1.0a client of Go API clients such as anaconda (X): requests to the demo signed and sent by
 * spec/support/go-oauth1.go (run with `go run` from Debian's GOPATH), each answer checked here.
 *
 * It signs HMAC-SHA1 and RSA-SHA1 in the header (`Get`, `Post`, `SetAuthorizationHeader`) or a form body (`SignForm`).
 * Its PLAINTEXT sends no `oauth_timestamp` and `oauth_nonce`, which RFC 5849 §3.1 lets it leave out; the demo requires
 * them of PLAINTEXT too (`requireTimestampAndNonce`, as the error contract asks): 400 `missing_required_parameter`. It
 * has no `oauth_body_hash`: a JSON body it signs is signed by nothing, and refused the same way.
 *
 * They need go and the package (Debian: golang-go, golang-github-gomodule-oauth1-dev); outside CI a machine without
 * them skips this file with a note, under CI (CI=true) it fails instead. `.ci/run` installs them.
 */
import { existsSync } from 'node:fs';
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
import { ALICE, DEMO_PRIVATE_KEY } from './support/sign';

/** Debian's Go packages, where `go run` finds them with modules off. */
const GOPATH = '/usr/share/gocode';

type Placement = 'header' | 'form';
type Route = 'me' | 'form note' | 'json note';
type Case = ClientCase & { placement: Placement; route: Route };

/** What each placement carries: `SignForm` puts the protocol parameters in a form body, a POST's. */
const ROUTES_OF: Record<Placement, Route[]> = {
  header: ['me', 'form note', 'json note'],
  form: ['form note'],
};

const CASES: Case[] = caseMatrix(['HMAC-SHA1', 'RSA-SHA1', 'PLAINTEXT'], ROUTES_OF).map((c): Case => ({
  who: ALICE,
  ...c,
}));

const request = (c: Case) => ({
  method: c.route === 'me' ? 'GET' : 'POST',
  path: c.route === 'me' ? '/api/me' : '/api/notes',
  // Written into the URL by the client (url.Values: a space as "+").
  query:
    c.route === 'me'
      ? [
          ['q', TRICKY],
          ['q', '2'],
        ]
      : [],
  placement: c.placement,
  consumer_secret: c.who.consumerSecret,
  rsa_key: c.signatureMethod === 'RSA-SHA1' ? DEMO_PRIVATE_KEY : '',
  ...signedBy(c),
  ...noteOf(c.route),
});

describeClient({
  title: 'independent Go client: github.com/gomodule/oauth1',
  interpreter: existsSync(join(GOPATH, 'src/github.com/gomodule/oauth1/oauth/oauth.go'))
    ? findInterpreter([process.env.GO, '/usr/bin/go', 'go'], ['version'])
    : undefined,
  missing: 'go with golang-github-gomodule-oauth1-dev',
  args: ['run', join(__dirname, 'support', 'go-oauth1.go')],
  env: { GOPATH, GO111MODULE: 'off' },
  cases: CASES,
  input: (base) => ({ base, requests: CASES.map(request) }),
  expected: (c) =>
    c.signatureMethod === 'PLAINTEXT'
      ? refused(400, 'missing_required_parameter', /oauth_timestamp|oauth_nonce/)
      : c.route === 'json note'
        ? refused(400, 'missing_required_parameter', /oauth_body_hash/)
        : accepted(c.route),
});
