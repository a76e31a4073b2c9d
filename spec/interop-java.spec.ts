/**
 * Interop with Java's Signpost (oauth-signpost 1.2, Debian's liboauth-signpost-java), the OAuth 1.0a client of many
 * Java and Android applications, over Apache HttpClient 4: requests to the demo signed and sent by
 * spec/support/SignpostClient.java (run as a single source file), each answer checked here.
 *
 * Signpost signs HMAC-SHA1 and PLAINTEXT (it has no RSA or SHA-256 signer), in the header (its
 * `CommonsHttpOAuthConsumer`, which reads a form body's parameters itself) or, for a GET, in the query (`sign(url)`).
 * A form goes out as `UrlEncodedFormEntity` writes it (a space as "+", "*" as itself, "~" as %7E, UTF-8 declared). It
 * has no `oauth_body_hash`: a JSON body it sends is signed by nothing, and refused (400 `missing_required_parameter`).
 *
 * They need java and Debian's liboauth-signpost-java (which brings Apache HttpClient 4); outside CI a machine without
 * them skips this file with a note, under CI (CI=true) it fails instead. `.ci/run` installs them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  accepted,
  caseMatrix,
  describeClient,
  findInterpreter,
  refused,
  TRICKY,
  type ClientCase,
} from './support/client-script';
import { ALICE } from './support/sign';

/** Signpost and the HttpClient it signs for, as Debian installs them. */
const CLASSPATH = [
  'signpost-core',
  'signpost-commonshttp4',
  'httpclient',
  'httpcore',
  'commons-logging',
  'commons-codec',
]
  .map((name) => `/usr/share/java/${name}.jar`)
  .join(':');

type Placement = 'header' | 'query';
type Route = 'me' | 'form note' | 'json note';
type Case = ClientCase & { placement: Placement; route: Route };

/** What each placement carries: Signpost writes the query only of a URL it signs alone, a GET's. */
const ROUTES_OF: Record<Placement, Route[]> = {
  header: ['me', 'form note', 'json note'],
  query: ['me'],
};

const CASES: Case[] = caseMatrix(['HMAC-SHA1', 'PLAINTEXT'], ROUTES_OF).map((c): Case => ({ who: ALICE, ...c }));

/** One request as a line of tab-separated fields (SignpostClient.java's header says which). */
const line = (base: string) => (c: Case) =>
  [
    c.route === 'me' ? 'GET' : 'POST',
    c.route === 'me' ? `${base}/api/me?q=${encodeURIComponent(TRICKY)}&q=2` : `${base}/api/notes`,
    c.placement,
    c.signatureMethod,
    c.who.consumerKey,
    c.who.consumerSecret,
    c.who.token,
    c.who.tokenSecret,
    c.route === 'json note' ? 'json' : c.route === 'form note' ? 'form' : '-',
    c.route === 'json note'
      ? JSON.stringify({ text: TRICKY })
      : c.route === 'form note'
        ? `text=${encodeURIComponent(TRICKY)}`
        : '',
  ].join('\t');

describeClient({
  title: 'independent Java client: Signpost over Apache HttpClient',
  interpreter: CLASSPATH.split(':').every((jar) => existsSync(jar))
    ? findInterpreter([process.env.JAVA, '/usr/bin/java', 'java'], ['-version'])
    : undefined,
  missing: 'java with liboauth-signpost-java',
  args: ['-cp', CLASSPATH, join(__dirname, 'support', 'SignpostClient.java')],
  cases: CASES,
  input: (base) => `${CASES.map(line(base)).join('\n')}\n`,
  expected: (c) => (c.route === 'json note' ? refused(400, 'missing_required_parameter') : accepted(c.route)),
});
