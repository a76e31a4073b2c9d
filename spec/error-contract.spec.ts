/**
 * The error contract (../shared/docs/error-contract.md), row by row, through real HTTP against the demo
 * app (realm `demo`, an injected clock) and, for store faults, an app whose stores fail on demand.
 *
 * Every error response is checked for its status, a JSON body of exactly `error` and `error_description`,
 * `Cache-Control: no-store`, the `WWW-Authenticate` challenge on a 401 (with its Problem Reporting
 * parameters), `Retry-After` on a 503, and that it echoes no signature, base string, secret or stack.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Container } from 'typedi';
import { ResourceProtector } from '../src';
import {
  RESTRICTED,
  startContractApp,
  STORE_FAULT_DETAIL,
  STORE_TIMEOUT_MS,
  type ContractApp,
  type NonceFault,
  type StoreName,
} from './support/contract-app';
import { startDemo } from './support/demo';
import {
  ALICE,
  BOB,
  DEMO_PRIVATE_KEY,
  enc,
  formBody,
  RSA_ONLY,
  sign,
  type Signed,
  type SignOptions,
} from './support/sign';

/** The demo's clock, in seconds: fixed, so that the accepted window is known exactly. */
const NOW = 1_750_000_000;
const WINDOW = 300;
const clock = () => NOW * 1000;

type Demo = Awaited<ReturnType<typeof startDemo>>;
let demo: Demo;
beforeAll(async () => {
  demo = await startDemo({ clock });
});
afterAll(() => demo.stop());

// ---------------------------------------------------------------------------------------------------------------
// HTTP

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

interface Call {
  method?: string;
  /** The `Authorization` header value. */
  auth?: string;
  /** Further header lines in order; a name given twice is sent twice. */
  headers?: [string, string][];
  type?: string;
  body?: string | Buffer;
  /** Send the body in pieces with `Transfer-Encoding: chunked` instead of a `Content-Length`. */
  chunked?: boolean;
}

const portOf = (server: Server) => (server.address() as AddressInfo).port;

/** One request with exactly the header lines given (node:http with a raw header array keeps repeats). */
function call(server: Server, path: string, c: Call = {}): Promise<Reply> {
  const port = portOf(server);
  const body = c.body === undefined ? undefined : Buffer.from(c.body);
  const lines: [string, string][] = [
    ['Host', `127.0.0.1:${port}`],
    ['Connection', 'close'],
  ];
  if (c.auth !== undefined) lines.push(['Authorization', c.auth]);
  if (c.type !== undefined) lines.push(['Content-Type', c.type]);
  if (body) lines.push(c.chunked ? ['Transfer-Encoding', 'chunked'] : ['Content-Length', String(body.length)]);
  lines.push(...(c.headers ?? []));
  const method = c.method ?? (body ? 'POST' : 'GET');
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: lines.flat(), agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body && c.chunked) for (let at = 0; at < body.length; at += 8192) req.write(body.subarray(at, at + 8192));
    else if (body) req.write(body);
    req.end();
  });
}

/** Writes `head` (request line and header lines) on a raw socket and reads the answer until the server closes. */
function rawCall(server: Server, head: string[]): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // Not half-closed: a server may take the end of input as an aborted request before it answers.
    const socket = connect(portOf(server), '127.0.0.1', () => socket.write(head.join('\r\n') + '\r\n\r\n'));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const raw = Buffer.concat(chunks).toString('latin1');
      const split = raw.indexOf('\r\n\r\n');
      const [statusLine, ...headerLines] = raw.slice(0, split).split('\r\n');
      const headers: IncomingHttpHeaders = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      let body = Buffer.from(raw.slice(split + 4), 'latin1');
      if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, text: body.toString('utf8') });
    });
  });
}

const demoCall = (path: string, c: Call = {}) => call(demo.server, path, c);
const hostLine = () => `Host: 127.0.0.1:${portOf(demo.server)}`;

// ---------------------------------------------------------------------------------------------------------------
// Signing

/** Signs a request to the demo at the demo's clock. */
const signFor = (path: string, o: Partial<SignOptions> = {}): Signed =>
  sign({ url: `${demo.base}${path}`, timestamp: NOW, ...o });

/** An `Authorization: OAuth` value from pairs, each name and value percent-encoded. */
const oauthHeader = (pairs: [string, string][]) =>
  'OAuth realm="demo", ' + pairs.map(([name, value]) => `${enc(name)}="${enc(value)}"`).join(', ');

/** The signed protocol parameters split in two: those not named, and those named. */
function partition(signed: Signed, names: string[]): [[string, string][], [string, string][]] {
  return [
    signed.oauth.filter(([name]) => !names.includes(name)),
    signed.oauth.filter(([name]) => names.includes(name)),
  ];
}

const nonceOf = (signed: Signed) => new Map(signed.oauth).get('oauth_nonce') as string;

/** `text` with `pattern` replaced; throws when nothing matched, so that a test cannot silently send the original. */
function edit(text: string, pattern: string | RegExp, replacement: string): string {
  const edited = text.replace(pattern, replacement);
  if (edited === text) throw new Error(`edit: ${String(pattern)} does not occur in ${text}`);
  return edited;
}

/** The signed header with one protocol parameter's quoted (encoded) value replaced by `raw`, sent as is. */
const withRawValue = (signed: Signed, name: string, raw: string) =>
  edit(signed.header, new RegExp(`${name}="[^"]*"`), `${name}="${raw}"`);

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/** A JSON note of exactly `bytes` bytes (JSON allows trailing whitespace). */
function paddedNote(bytes: number): string {
  const json = JSON.stringify({ text: 'padded' });
  return json + ' '.repeat(bytes - json.length);
}

/** A signed form POST to /api/notes. */
function postNote(form: [string, string][], o: Partial<SignOptions> = {}) {
  const signed = signFor('/api/notes', { method: 'POST', form, ...o });
  return { signed, reply: () => demoCall('/api/notes', { auth: signed.header, type: FORM, body: formBody(form) }) };
}

// ---------------------------------------------------------------------------------------------------------------
// The checks every error response must pass

const SECRETS = [ALICE, BOB, RSA_ONLY, RESTRICTED]
  .flatMap((who) => [who.consumerSecret, who.tokenSecret])
  .filter(Boolean);

interface Expected {
  /** `oauth_problem` of the 401 challenge, or all its Problem Reporting parameters. */
  problem?: string | Record<string, string>;
  /** Text that `error_description` must contain. */
  describes?: string;
  /** Signed requests (sent or computed) whose signature and base string must not be echoed. */
  signed?: Signed[];
}

/** The parameters of a `WWW-Authenticate: OAuth ...` challenge. */
function challengeParams(challenge: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [, name, value] of challenge.matchAll(/([A-Za-z_]+)="((?:[^"\\]|\\.)*)"/g)) {
    params[name] = value.replace(/\\(.)/g, '$1');
  }
  return params;
}

function expectOAuthError(reply: Reply, status: number, error: string, expected: Expected = {}): void {
  expect({ status: reply.status, text: reply.text }).toEqual({ status, text: expect.any(String) });
  expect(reply.headers['content-type']).toMatch(/^application\/json\b/);
  expect(reply.headers['cache-control']).toBe('no-store');
  const body = JSON.parse(reply.text) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  expect(body.error).toBe(error);
  const description = body.error_description;
  expect(typeof description === 'string' && description.length > 0 && !/[\r\n]/.test(description)).toBe(true);
  if (expected.describes !== undefined) expect(description).toContain(expected.describes);

  if (status === 401) {
    const challenge = reply.headers['www-authenticate'];
    expect(challenge).toMatch(/^OAuth realm="demo"(, [a-z_]+="(?:[^"\\]|\\.)*")*$/);
    const problem = typeof expected.problem === 'string' ? { oauth_problem: expected.problem } : expected.problem;
    if (problem) expect(challengeParams(challenge as string)).toMatchObject(problem);
  } else if (expected.problem !== undefined) {
    throw new Error('a Problem Reporting parameter is only checked on a 401');
  }
  if (status === 503) expect(reply.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);

  const forbidden = [...SECRETS, STORE_FAULT_DETAIL, 'PRIVATE KEY', '%3A%2F%2F127.0.0.1'];
  for (const signed of expected.signed ?? []) {
    forbidden.push(signed.signature, enc(signed.signature), signed.baseString);
  }
  for (const text of forbidden) expect(reply.text).not.toContain(text);
}

/** A control: the request was served by the demo route. */
function expectServed(reply: Reply, user = 'alice'): void {
  expect({ status: reply.status, text: reply.text }).toEqual({ status: 200, text: expect.any(String) });
  expect((JSON.parse(reply.text) as { user: { name: string } }).user.name).toBe(user);
}

// ---------------------------------------------------------------------------------------------------------------

describe('401 missing_credentials', () => {
  test.each([
    ['no Authorization header and no oauth_ parameter', '/api/me', undefined],
    ['only non-oauth query parameters', '/api/me?page=2&oauth=1', undefined],
    ['a Basic header and no oauth_ parameter', '/api/me', 'Basic ZGVtby1jbGllbnQ6ZGVtby1jbGllbnQtc2VjcmV0'],
    ['a Bearer header and no oauth_ parameter', '/api/me?page=2', 'Bearer abc.def.ghi'],
    ['an OAuth-like scheme that is not OAuth', '/api/me', 'OAuth2 oauth_token="demo-token"'],
  ])('%s', async (_case, path, auth) => {
    expectOAuthError(await demoCall(path, { auth }), 401, 'missing_credentials');
  });

  test('a Bearer header with a form body that has no oauth_ parameter', async () => {
    const reply = await demoCall('/api/notes', { auth: 'Bearer abc', type: FORM, body: 'text=hello' });
    expectOAuthError(reply, 401, 'missing_credentials');
  });

  describe('a non-OAuth Authorization header is otherwise ignored', () => {
    test.each([['Basic ZGVtbzpkZW1v'], ['Bearer abc.def.ghi']])(
      '%s with signed oauth_ query parameters',
      async (auth) => {
        const signed = signFor('/api/me');
        expectServed(await demoCall(`/api/me?${signed.asQuery}`, { auth }));
      },
    );

    test('Bearer with signed oauth_ parameters in the form body', async () => {
      const form: [string, string][] = [['text', 'hello']];
      const signed = signFor('/api/notes', { method: 'POST', form });
      const body = `${formBody(form)}&${signed.asQuery}`;
      const reply = await demoCall('/api/notes', { auth: 'Bearer abc', type: FORM, body });
      expectServed(reply);
    });

    test('Basic with query credentials that fail to verify: invalid_signature, not missing_credentials', async () => {
      const genuine = signFor('/api/me');
      const forged = signFor('/api/me', { nonce: nonceOf(genuine), who: { ...ALICE, consumerSecret: 'guess' } });
      const reply = await demoCall(`/api/me?${forged.asQuery}`, { auth: 'Basic ZGVtbzpkZW1v' });
      expectOAuthError(reply, 401, 'invalid_signature', { problem: 'signature_invalid', signed: [forged, genuine] });
    });
  });
});

describe('400 invalid_request: more than one Authorization or Host header', () => {
  test('two OAuth Authorization headers, each valid on its own', async () => {
    const [first, second] = [signFor('/api/me'), signFor('/api/me')];
    const reply = await demoCall('/api/me', { auth: first.header, headers: [['Authorization', second.header]] });
    expectOAuthError(reply, 400, 'invalid_request', { signed: [first, second] });
  });

  test.each([
    ['the same OAuth header twice', (h: string) => [h, h]],
    ['an OAuth header, then a Basic one', (h: string) => [h, 'Basic ZGVtbzpkZW1v']],
    ['a Basic header, then an OAuth one', (h: string) => ['Basic ZGVtbzpkZW1v', h]],
    ['two Bearer headers', () => ['Bearer a', 'Bearer b']],
  ])('%s', async (_case, values) => {
    const signed = signFor('/api/me');
    const headers = values(signed.header).map((value): [string, string] => ['Authorization', value]);
    expectOAuthError(await demoCall('/api/me', { headers }), 400, 'invalid_request', { signed: [signed] });
  });

  test.each([
    ['twice with the same value', (host: string) => [host, host]],
    ['with two different values', (host: string) => [host, 'Host: evil.example']],
  ])('two Host headers, %s (raw socket)', async (_case, hosts) => {
    const signed = signFor('/api/me');
    const head = ['GET /api/me HTTP/1.1', ...hosts(hostLine()), `Authorization: ${signed.header}`, 'Connection: close'];
    expectOAuthError(await rawCall(demo.server, head), 400, 'invalid_request', { signed: [signed] });
  });

  test.each([
    ['a second Host', () => 'Host: evil.example'],
    ['a second Authorization', () => 'Authorization: Basic ZGVtbzpkZW1v'],
  ])('%s after 2,000 empty header lines (raw socket): never served', async (_case, last) => {
    const signed = signFor('/api/me');
    const fillers = Array.from({ length: 2000 }, () => 'x0: ');
    const head = ['GET /api/me HTTP/1.1', hostLine(), `Authorization: ${signed.header}`, ...fillers, last()];
    const reply = await rawCall(demo.server, [...head, 'Connection: close']);
    // Node 22 and 24 refuse more lines than the server's maxHeadersCount themselves; Node 20 dropped them, second
    // Host included, without a word, and the guard refuses a head that reaches the count.
    if (Number(process.versions.node.split('.')[0]) >= 22) expect(reply.status).toBe(431);
    else expectOAuthError(reply, 400, 'invalid_request', { signed: [signed] });
  });

  test('control: the same raw request with one Host header is served', async () => {
    const signed = signFor('/api/me');
    const head = ['GET /api/me HTTP/1.1', hostLine(), `Authorization: ${signed.header}`, 'Connection: close'];
    expectServed(await rawCall(demo.server, head));
  });
});

describe('400 invalid_request: an Authorization: OAuth header that cannot be parsed', () => {
  test.each([
    ['an unquoted value', (h: string) => edit(h, /oauth_nonce="([^"]*)"/, 'oauth_nonce=$1')],
    ['a single-quoted value', (h: string) => edit(h, /oauth_nonce="([^"]*)"/, "oauth_nonce='$1'")],
    ['an unterminated quoted value (last)', (h: string) => h.slice(0, -1)],
    ['an unterminated quoted value (inside)', (h: string) => edit(h, /(oauth_nonce="[^"]*)"/, '$1')],
    ['a stray token before the parameters', (h: string) => edit(h, 'OAuth realm="demo", ', 'OAuth stray, ')],
    ['a stray token after a value', (h: string) => edit(h, /(oauth_nonce="[^"]*")/, '$1 stray')],
    ['a stray token at the end', (h: string) => `${h}, stray`],
    ['two parameters without a comma between them', (h: string) => edit(h, /(oauth_nonce="[^"]*"),/, '$1')],
    ['an empty list element', (h: string) => edit(h, /(oauth_nonce="[^"]*"),/, '$1,,')],
    ['a backslash escape inside a value', (h: string) => edit(h, /oauth_nonce="/, 'oauth_nonce="\\"')],
    ['a name with a space before "="', (h: string) => edit(h, 'oauth_nonce="', 'oauth nonce="')],
    ['a token68 instead of parameters', () => 'OAuth ZGVtbzpkZW1v=='],
  ])('%s', async (_case, mangle) => {
    const signed = signFor('/api/me');
    const auth = mangle(signed.header);
    expectOAuthError(await demoCall('/api/me', { auth }), 400, 'invalid_request', { signed: [signed] });
  });
});

describe('400 invalid_request: malformed percent-encoding or invalid UTF-8', () => {
  const ESCAPES = [
    ['a non-hex escape', 'ab%ZZ'],
    ['a truncated escape', 'ab%4'],
    ['a lone percent sign', 'ab%'],
    ['invalid UTF-8 (%FF)', 'ab%FF'],
    ['a lone UTF-8 continuation byte (%80)', 'ab%80'],
    ['an overlong UTF-8 form (%C0%AF)', 'ab%C0%AF'],
    ['a UTF-16 surrogate in UTF-8 (%ED%A0%80)', 'ab%ED%A0%80'],
    ['a truncated UTF-8 sequence (%E2%82)', 'ab%E2%82'],
  ];

  test.each(ESCAPES)('in the Authorization header: %s', async (_case, raw) => {
    const signed = signFor('/api/me');
    const auth = withRawValue(signed, 'oauth_nonce', raw);
    expectOAuthError(await demoCall('/api/me', { auth }), 400, 'invalid_request', { signed: [signed] });
  });

  test.each(ESCAPES)('in a header parameter name: %s', async (_case, raw) => {
    const signed = signFor('/api/me');
    const auth = `${signed.header}, x${raw}="1"`;
    expectOAuthError(await demoCall('/api/me', { auth }), 400, 'invalid_request', { signed: [signed] });
  });

  // Express decodes route parameters before any guard runs, @koa/router leaves undecodable ones as sent: the
  // guard refuses such a path itself, and the demo answers Express's own refusal the same way.
  test.each(ESCAPES)('in a route parameter, signed and not: %s', async (_case, raw) => {
    const signed = signFor(`/api/notes/${raw}`, { method: 'DELETE' });
    for (const auth of [signed.header, undefined]) {
      const reply = await demoCall(`/api/notes/${raw}`, { method: 'DELETE', auth });
      expectOAuthError(reply, 400, 'invalid_request', { signed: [signed] });
    }
  });

  test.each(ESCAPES)('in the query string: %s', async (_case, raw) => {
    const signed = signFor('/api/me?q=ab');
    const reply = await demoCall(`/api/me?q=${raw}`, { auth: signed.header });
    expectOAuthError(reply, 400, 'invalid_request', { signed: [signed] });
  });

  test.each(ESCAPES)('in query-string credentials: %s', async (_case, raw) => {
    const signed = signFor('/api/me');
    const query = edit(signed.asQuery, /oauth_nonce=[^&]*/, `oauth_nonce=${raw}`);
    expectOAuthError(await demoCall(`/api/me?${query}`), 400, 'invalid_request', { signed: [signed] });
  });

  test.each(ESCAPES)('in a form body: %s', async (_case, raw) => {
    const { signed } = postNote([['text', 'ab']]);
    const reply = await demoCall('/api/notes', { auth: signed.header, type: FORM, body: `text=${raw}` });
    expectOAuthError(reply, 400, 'invalid_request', { signed: [signed] });
  });

  test.each([
    ['raw UTF-8 bytes', Buffer.from('text=caf\u00e9', 'utf8')],
    ['a raw Latin-1 byte', Buffer.from('text=caf\u00e9', 'latin1')],
  ])('a form body that is not valid form encoding: %s', async (_case, body) => {
    const { signed } = postNote([['text', 'caf\u00e9']]);
    const reply = await demoCall('/api/notes', { auth: signed.header, type: FORM, body });
    expectOAuthError(reply, 400, 'invalid_request', { signed: [signed] });
  });
});

describe('lenient where nothing is ambiguous (controls)', () => {
  test('an unencoded +, / or = inside a quoted header value means itself', async () => {
    let signed = signFor('/api/me');
    while (!/[+/]/.test(signed.signature)) signed = signFor('/api/me');
    expectServed(await demoCall('/api/me', { auth: withRawValue(signed, 'oauth_signature', signed.signature) }));
  });

  test('a + in the query string means a space', async () => {
    const signed = signFor('/api/me?q=a%20b');
    expectServed(await demoCall('/api/me?q=a+b', { auth: signed.header }));
  });

  test('parameter names are matched after decoding (oauth%5Fnonce in the header)', async () => {
    const signed = signFor('/api/me');
    expectServed(await demoCall('/api/me', { auth: edit(signed.header, 'oauth_nonce=', 'oauth%5Fnonce=') }));
  });
});

describe('400 missing_required_parameter (error_description names the parameter)', () => {
  const REQUIRED = [
    'oauth_consumer_key',
    'oauth_token',
    'oauth_signature_method',
    'oauth_signature',
    'oauth_timestamp',
    'oauth_nonce',
  ];

  /** Signed without `name` (or with it empty), so that the signature covers exactly what is sent. */
  function signedWith(name: string, value: string | undefined, o: Partial<SignOptions> = {}): [string, string][] {
    const path = o.method === 'POST' ? '/api/notes' : '/api/me';
    if (name !== 'oauth_signature') return signFor(path, { ...o, oauth: { [name]: value } }).oauth;
    const [kept] = partition(signFor(path, o), [name]);
    return value === undefined ? kept : [...kept, [name, value]];
  }

  test.each(REQUIRED)('%s absent from the Authorization header', async (name) => {
    const reply = await demoCall('/api/me', { auth: oauthHeader(signedWith(name, undefined)) });
    expectOAuthError(reply, 400, 'missing_required_parameter', { describes: name });
  });

  test.each(REQUIRED)('%s empty in the Authorization header', async (name) => {
    const reply = await demoCall('/api/me', { auth: oauthHeader(signedWith(name, '')) });
    expectOAuthError(reply, 400, 'missing_required_parameter', { describes: name });
  });

  test.each(REQUIRED)('%s absent from query-string credentials', async (name) => {
    const reply = await demoCall(`/api/me?${formBody(signedWith(name, undefined))}`);
    expectOAuthError(reply, 400, 'missing_required_parameter', { describes: name });
  });

  test.each(REQUIRED)('%s empty in form-body credentials', async (name) => {
    const form: [string, string][] = [['text', 'hello']];
    const body = `${formBody(form)}&${formBody(signedWith(name, '', { method: 'POST', form }))}`;
    const reply = await demoCall('/api/notes', { type: FORM, body });
    expectOAuthError(reply, 400, 'missing_required_parameter', { describes: name });
  });

  test('an Authorization: OAuth header with only a realm names oauth_consumer_key', async () => {
    const reply = await demoCall('/api/me', { auth: 'OAuth realm="demo"' });
    expectOAuthError(reply, 400, 'missing_required_parameter', { describes: 'oauth_consumer_key' });
  });
});

describe('400 duplicated_oauth_protocol_parameter', () => {
  test.each([
    ['oauth_nonce, same value', 'oauth_nonce', (v: string) => v],
    ['oauth_nonce, another value', 'oauth_nonce', () => 'another'],
    ['oauth_signature', 'oauth_signature', (v: string) => v],
    ['oauth_consumer_key', 'oauth_consumer_key', (v: string) => v],
    ['oauth_version', 'oauth_version', (v: string) => v],
  ])('repeated in the Authorization header: %s', async (_case, name, second) => {
    const signed = signFor('/api/me');
    const value = new Map(signed.oauth).get(name) as string;
    const reply = await demoCall('/api/me', { auth: `${signed.header}, ${name}="${enc(second(value))}"` });
    expectOAuthError(reply, 400, 'duplicated_oauth_protocol_parameter', { signed: [signed] });
  });

  test('repeated in the header under an encoded name (oauth%5Fnonce)', async () => {
    const signed = signFor('/api/me');
    const reply = await demoCall('/api/me', { auth: `${signed.header}, oauth%5Fnonce="another"` });
    expectOAuthError(reply, 400, 'duplicated_oauth_protocol_parameter', { signed: [signed] });
  });

  test('repeated in the query string', async () => {
    const signed = signFor('/api/me');
    const reply = await demoCall(`/api/me?${signed.asQuery}&oauth_nonce=another`);
    expectOAuthError(reply, 400, 'duplicated_oauth_protocol_parameter', { signed: [signed] });
  });

  test('repeated in the form body', async () => {
    const { signed } = postNote([['text', 'hello']]);
    const body = `text=hello&${signed.asQuery}&oauth_token=${ALICE.token}`;
    const reply = await demoCall('/api/notes', { type: FORM, body });
    expectOAuthError(reply, 400, 'duplicated_oauth_protocol_parameter', { signed: [signed] });
  });

  test('split between header and query (oauth_nonce in the query)', async () => {
    const signed = signFor('/api/me');
    const [header, query] = partition(signed, ['oauth_nonce']);
    const reply = await demoCall(`/api/me?${formBody(query)}`, { auth: oauthHeader(header) });
    expectOAuthError(reply, 400, 'duplicated_oauth_protocol_parameter', { signed: [signed] });
  });

  test('split between header and body (oauth_timestamp in the form body)', async () => {
    const { signed } = postNote([['text', 'hello']]);
    const [header, form] = partition(signed, ['oauth_timestamp']);
    const body = `text=hello&${formBody(form)}`;
    const reply = await demoCall('/api/notes', { auth: oauthHeader(header), type: FORM, body });
    expectOAuthError(reply, 400, 'duplicated_oauth_protocol_parameter', { signed: [signed] });
  });

  test('split between query and body (oauth_signature in the form body)', async () => {
    const { signed } = postNote([['text', 'hello']]);
    const [query, form] = partition(signed, ['oauth_signature']);
    const body = `text=hello&${formBody(form)}`;
    const reply = await demoCall(`/api/notes?${formBody(query)}`, { type: FORM, body });
    expectOAuthError(reply, 400, 'duplicated_oauth_protocol_parameter', { signed: [signed] });
  });

  test('all in the header and one again in the query (same value)', async () => {
    const signed = signFor('/api/me');
    const reply = await demoCall(`/api/me?oauth_consumer_key=${ALICE.consumerKey}`, { auth: signed.header });
    expectOAuthError(reply, 400, 'duplicated_oauth_protocol_parameter', { signed: [signed] });
  });
});

describe('400 invalid_request: oauth_version present and not exactly 1.0', () => {
  test.each(['1.1', '2.0', '1', '1.00', '1.0 ', 'v1.0', ''])('oauth_version="%s"', async (version) => {
    const signed = signFor('/api/me', { oauth: { oauth_version: version } });
    expectOAuthError(await demoCall('/api/me', { auth: signed.header }), 400, 'invalid_request', { signed: [signed] });
  });

  test('control: oauth_version absent is accepted', async () => {
    const signed = signFor('/api/me', { oauth: { oauth_version: undefined } });
    expectServed(await demoCall('/api/me', { auth: signed.header }));
  });
});

describe('400 invalid_request: oauth_body_hash on a form-encoded body', () => {
  test.each([
    ['the hash of the form body', formBody([['text', 'hello']])],
    ['the hash of the empty string', ''],
  ])('signed, carrying %s', async (_case, hashed) => {
    const form: [string, string][] = [['text', 'hello']];
    const signed = signFor('/api/notes', { method: 'POST', form, body: hashed, bodyHash: true });
    const reply = await demoCall('/api/notes', { auth: signed.header, type: FORM, body: formBody(form) });
    expectOAuthError(reply, 400, 'invalid_request', { signed: [signed] });
  });

  test('control: a bodiless request that names the form type, carrying the hash of the empty string, is served', async () => {
    const signed = signFor('/api/me', { body: '', bodyHash: true });
    expectServed(await demoCall('/api/me', { auth: signed.header, type: FORM }));
  });
});

describe('400 missing_required_parameter: a body-hash route gets a non-form body without oauth_body_hash', () => {
  test.each([
    [JSON_TYPE, JSON.stringify({ text: 'hello' })],
    ['text/plain', 'hello'],
    ['application/octet-stream', Buffer.from([0, 1, 2, 255])],
  ])('POST /api/notes with %s', async (type, body) => {
    const signed = signFor('/api/notes', { method: 'POST' });
    const reply = await demoCall('/api/notes', { auth: signed.header, type, body });
    expectOAuthError(reply, 400, 'missing_required_parameter', { describes: 'oauth_body_hash', signed: [signed] });
  });

  test('POST /api/notes with JSON and an empty oauth_body_hash (an empty value counts as absent)', async () => {
    const body = JSON.stringify({ text: 'hello' });
    const signed = signFor('/api/notes', { method: 'POST', oauth: { oauth_body_hash: '' } });
    const reply = await demoCall('/api/notes', { auth: signed.header, type: JSON_TYPE, body });
    expectOAuthError(reply, 400, 'missing_required_parameter', { describes: 'oauth_body_hash', signed: [signed] });
  });

  test('control: the same JSON with its oauth_body_hash is served', async () => {
    const body = JSON.stringify({ text: 'hello' });
    const signed = signFor('/api/notes', { method: 'POST', body, bodyHash: true });
    expectServed(await demoCall('/api/notes', { auth: signed.header, type: JSON_TYPE, body }));
  });
});

describe('400 invalid_request: a signed JSON body the action could not read as it was sent', () => {
  /** `{"text":"hello","deep":[[…]]}`: the object and `levels` − 1 arrays inside it. */
  const nested = (levels: number) => `{"text":"hello","deep":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;

  test.each([
    ['nested one level deeper than limits.jsonDepth (64)', nested(65), 'deeper than 64 levels'],
    // Two thousand levels overflowed class-transformer's stack after the guard accepted: a 500 with its message.
    ['nested two thousand levels (8 KB)', nested(2000), 'deeper than 64 levels'],
    ['not valid UTF-8 (a lone 0xFF byte in a string)', Buffer.from('{"text":"\xff"}', 'latin1'), 'not valid UTF-8'],
    ['not valid UTF-8 (an overlong "/")', Buffer.from('{"text":"\xc0\xaf"}', 'latin1'), 'not valid UTF-8'],
  ])('%s', async (_case, body, describes) => {
    const signed = signFor('/api/notes', { method: 'POST', body, bodyHash: true });
    const reply = await demoCall('/api/notes', { auth: signed.header, type: JSON_TYPE, body });
    expectOAuthError(reply, 400, 'invalid_request', { describes, signed: [signed] });
  });

  test('control: nested exactly limits.jsonDepth deep, and brackets inside strings, are read', async () => {
    const body = `{"text":"[[{\\"${'['.repeat(100)}","deep":${'['.repeat(63)}${']'.repeat(63)}}`;
    const signed = signFor('/api/notes', { method: 'POST', body, bodyHash: true });
    const reply = await demoCall('/api/notes', { auth: signed.header, type: JSON_TYPE, body });
    expect(reply.status).toBe(200);
    // An escaped quote does not end the string: the brackets after it are text, not nesting.
    expect(JSON.parse(reply.text)).toMatchObject({ text: `[[{"${'['.repeat(100)}` });
  });
});

describe('400 invalid_request: a body that would be read as something other than what was sent', () => {
  const form: [string, string][] = [['text', 'hello']];

  test.each([
    ['two charsets (readers differ on which counts)', `${FORM}; charset=utf-8; charset=iso-8859-1`, []],
    ['a content coding (gzip), which nothing undoes', FORM, [['Content-Encoding', 'gzip']]],
  ] as [string, string, [string, string][]][])('a signed form with %s', async (_case, type, headers) => {
    const signed = signFor('/api/notes', { method: 'POST', form });
    const reply = await demoCall('/api/notes', { auth: signed.header, type, body: formBody(form), headers });
    expectOAuthError(reply, 400, 'invalid_request', { signed: [signed] });
  });

  test("a signed form declared ISO-8859-1 (Apache HttpClient's default) is served while it encodes ASCII alone", async () => {
    const type = `${FORM}; charset=ISO-8859-1`;
    const ascii = signFor('/api/notes', { method: 'POST', form });
    expectServed(await demoCall('/api/notes', { auth: ascii.header, type, body: formBody(form) }));
    const accented: [string, string][] = [['text', 'café']];
    const signed = signFor('/api/notes', { method: 'POST', form: accented });
    const reply = await demoCall('/api/notes', { auth: signed.header, type, body: formBody(accented) });
    expectOAuthError(reply, 400, 'invalid_request', { signed: [signed] });
  });

  test('a signed form sent with Transfer-Encoding: gzip, chunked (Node undoes only chunked)', async () => {
    const signed = signFor('/api/notes', { method: 'POST', form });
    const body = formBody(form);
    const head = [
      'POST /api/notes HTTP/1.1',
      hostLine(),
      `Authorization: ${signed.header}`,
      `Content-Type: ${FORM}`,
      'Transfer-Encoding: gzip, chunked',
      'Connection: close',
    ];
    const chunked = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n`;
    expectOAuthError(await rawCall(demo.server, [...head, '', chunked]), 400, 'invalid_request', { signed: [signed] });
  });

  test('control: the same form, one charset, no coding, chunked, is served', async () => {
    const signed = signFor('/api/notes', { method: 'POST', form });
    const type = `${FORM}; charset=UTF-8`;
    expectServed(await demoCall('/api/notes', { auth: signed.header, type, body: formBody(form), chunked: true }));
  });
});

describe('401 invalid_signature: oauth_body_hash does not match the body bytes', () => {
  test.each([
    ['a JSON body changed after hashing', '{"text":"signed"}', '{"text":"sent!!"}'],
    ['a JSON body with one extra byte', '{"text":"signed"}', '{"text":"signed"} '],
    ['a JSON body re-encoded (\\u escape)', '{"text":"caf\u00e9"}', '{"text":"caf\\u00e9"}'],
  ])('%s', async (_case, hashed, sent) => {
    const signed = signFor('/api/notes', { method: 'POST', body: hashed, bodyHash: true });
    const reply = await demoCall('/api/notes', { auth: signed.header, type: JSON_TYPE, body: sent });
    expectOAuthError(reply, 401, 'invalid_signature', { problem: 'signature_invalid', signed: [signed] });
  });

  test('a bodiless GET whose oauth_body_hash is not the hash of the empty string', async () => {
    const signed = signFor('/api/me', { body: 'x', bodyHash: true });
    const reply = await demoCall('/api/me', { auth: signed.header });
    expectOAuthError(reply, 401, 'invalid_signature', { problem: 'signature_invalid', signed: [signed] });
  });

  test('control: a bodiless GET carrying the hash of the empty string is served', async () => {
    const signed = signFor('/api/me', { body: '', bodyHash: true });
    expectServed(await demoCall('/api/me', { auth: signed.header }));
  });

  test('a body that does not match does not burn the nonce', async () => {
    const body = JSON.stringify({ text: 'genuine' });
    const signed = signFor('/api/notes', { method: 'POST', body, bodyHash: true });
    const tampered = await demoCall('/api/notes', { auth: signed.header, type: JSON_TYPE, body: '{"text":"evil"}' });
    expectOAuthError(tampered, 401, 'invalid_signature', { problem: 'signature_invalid', signed: [signed] });
    expectServed(await demoCall('/api/notes', { auth: signed.header, type: JSON_TYPE, body }));
  });
});

describe('400 invalid_request: oauth_timestamp not a positive decimal integer', () => {
  const digitsIn = (zero: number) => String(NOW).replace(/[0-9]/g, (d) => String.fromCharCode(zero + Number(d)));
  test.each([
    ['a plus sign', `+${NOW}`],
    ['a minus sign', `-${NOW}`],
    ['a leading space', ` ${NOW}`],
    ['a trailing space', `${NOW} `],
    ['a trailing newline', `${NOW}\n`],
    ['an exponent', '1.75e9'],
    ['an exponent without a point', '175e7'],
    ['a decimal point', `${NOW}.0`],
    ['a leading zero', `0${NOW}`],
    ['zero', '0'],
    ['hexadecimal', `0x${NOW.toString(16)}`],
    ['an underscore separator', '1_750_000_000'],
    ['Arabic-Indic digits', digitsIn(0x0660)],
    ['fullwidth digits', digitsIn(0xff10)],
    ['Devanagari digits', digitsIn(0x0966)],
    ['words', 'now'],
  ])('%s', async (_case, timestamp) => {
    const signed = signFor('/api/me', { oauth: { oauth_timestamp: timestamp } });
    expectOAuthError(await demoCall('/api/me', { auth: signed.header }), 400, 'invalid_request', { signed: [signed] });
  });
});

describe('400 unsupported_signature_method', () => {
  test.each([
    ['an unknown method', 'HMAC-MD5'],
    ['a made-up method', 'FOO'],
    ['lowercase hmac-sha1', 'hmac-sha1'],
    ['mixed-case Hmac-Sha1', 'Hmac-Sha1'],
    ['lowercase plaintext', 'plaintext'],
  ])('%s (%s)', async (_case, method) => {
    const signed = signFor('/api/me', { oauth: { oauth_signature_method: method } });
    const reply = await demoCall('/api/me', { auth: signed.header });
    expectOAuthError(reply, 400, 'unsupported_signature_method', { signed: [signed] });
  });

  test.each([
    ['other-client (HMAC and PLAINTEXT only) with RSA-SHA1', { ...BOB, privateKey: DEMO_PRIVATE_KEY }, 'RSA-SHA1'],
    ['other-client with RSA-SHA256', { ...BOB, privateKey: DEMO_PRIVATE_KEY }, 'RSA-SHA256'],
    ['rsa-client (RSA only) with HMAC-SHA1', RSA_ONLY, 'HMAC-SHA1'],
    ['rsa-client with PLAINTEXT', RSA_ONLY, 'PLAINTEXT'],
  ])('a client not allowed the method: %s', async (_case, who, signatureMethod) => {
    const signed = signFor('/api/me', { who, signatureMethod });
    const reply = await demoCall('/api/me', { auth: signed.header });
    expectOAuthError(reply, 400, 'unsupported_signature_method', { signed: [signed] });
  });

  test('control: rsa-client with RSA-SHA1 is served', async () => {
    const signed = signFor('/api/me', { who: RSA_ONLY, signatureMethod: 'RSA-SHA1' });
    expectServed(await demoCall('/api/me', { auth: signed.header }));
  });
});

describe('401 invalid_timestamp: outside the window, past or future (injected clock, ±300 s)', () => {
  const acceptable = `${NOW - WINDOW}-${NOW + WINDOW}`;
  test.each([
    ['one second too old', NOW - WINDOW - 1],
    ['one second too far in the future', NOW + WINDOW + 1],
    ['an hour old', NOW - 3600],
    ['a day in the future', NOW + 86400],
    ['the first second of the epoch', 1],
  ])('%s', async (_case, timestamp) => {
    const signed = signFor('/api/me', { timestamp });
    const problem = { oauth_problem: 'timestamp_refused', oauth_acceptable_timestamps: acceptable };
    const reply = await demoCall('/api/me', { auth: signed.header });
    expectOAuthError(reply, 401, 'invalid_timestamp', { problem, signed: [signed] });
  });

  // A timestamp of any number of ASCII digits is well-formed; far in the future, it is refused by the window.
  test.each([
    ['16 digits', `1${'0'.repeat(15)}`],
    ['20 digits', '9'.repeat(20)],
  ])('a timestamp of %s (a positive decimal integer far in the future)', async (_case, timestamp) => {
    const signed = signFor('/api/me', { oauth: { oauth_timestamp: timestamp } });
    const problem = { oauth_problem: 'timestamp_refused', oauth_acceptable_timestamps: acceptable };
    const reply = await demoCall('/api/me', { auth: signed.header });
    expectOAuthError(reply, 401, 'invalid_timestamp', { problem, signed: [signed] });
  });

  test.each([
    ['the oldest accepted', NOW - WINDOW],
    ['the newest accepted', NOW + WINDOW],
  ])('control: %s timestamp is served', async (_case, timestamp) => {
    expectServed(await demoCall('/api/me', { auth: signFor('/api/me', { timestamp }).header }));
  });
});

describe('401 invalid_client', () => {
  test.each([
    ['an unknown consumer key', 'no-such-client'],
    ['a consumer key that differs only in case', 'Demo-Client'],
    ['a token used as a consumer key', 'demo-token'],
  ])('%s', async (_case, consumerKey) => {
    const signed = signFor('/api/me', { who: { ...ALICE, consumerKey } });
    const reply = await demoCall('/api/me', { auth: signed.header });
    expectOAuthError(reply, 401, 'invalid_client', { problem: 'consumer_key_unknown', signed: [signed] });
  });
});

describe('401 invalid_token', () => {
  test.each([
    ['an unknown token', { ...ALICE, token: 'no-such-token' }, 'HMAC-SHA1'],
    [
      "demo-client with other-client's token",
      { ...ALICE, token: BOB.token, tokenSecret: BOB.tokenSecret },
      'HMAC-SHA1',
    ],
    [
      "other-client with demo-client's token",
      { ...BOB, token: ALICE.token, tokenSecret: ALICE.tokenSecret },
      'HMAC-SHA1',
    ],
    ["rsa-client with demo-client's token", { ...RSA_ONLY, token: ALICE.token }, 'RSA-SHA1'],
  ])('%s', async (_case, who, signatureMethod) => {
    const signed = signFor('/api/me', { who, signatureMethod });
    const reply = await demoCall('/api/me', { auth: signed.header });
    expectOAuthError(reply, 401, 'invalid_token', { problem: 'token_rejected', signed: [signed] });
  });
});

describe('401 invalid_signature: the signature does not verify', () => {
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  /** The same bytes, spelled with the last character's unused bits set differently. */
  function flipUnusedBit(signature: string): string {
    const body = signature.replace(/=+$/, '');
    expect(body.length).toBeLessThan(signature.length); // padded, so the last character has unused bits
    const last = B64[B64.indexOf(body[body.length - 1]) ^ 1];
    const altered = body.slice(0, -1) + last + signature.slice(body.length);
    expect(Buffer.from(altered, 'base64')).toEqual(Buffer.from(signature, 'base64'));
    return altered;
  }
  const unpadded = (signature: string) => edit(signature, /=+$/, '');

  test.each([
    ['a wrong client secret', { ...ALICE, consumerSecret: 'guess' }],
    ['a wrong token secret', { ...ALICE, tokenSecret: 'guess' }],
    ['no secrets at all', { ...ALICE, consumerSecret: '', tokenSecret: '' }],
    [
      "other-client's secrets with demo-client's credentials",
      { ...BOB, consumerKey: ALICE.consumerKey, token: ALICE.token },
    ],
  ])('HMAC-SHA1 with %s', async (_case, who) => {
    const genuine = signFor('/api/me');
    const forged = signFor('/api/me', { who, nonce: nonceOf(genuine) });
    const reply = await demoCall('/api/me', { auth: forged.header });
    expectOAuthError(reply, 401, 'invalid_signature', { problem: 'signature_invalid', signed: [forged, genuine] });
  });

  test.each([
    ['another path', '/api/users/me', '/api/me'],
    ['another query value', '/api/me?page=1', '/api/me?page=2'],
    ['an added query parameter', '/api/me', '/api/me?admin=1'],
    ['a path differing in case', '/api/ME', '/api/me'],
  ])('a request signed for %s', async (_case, signedPath, sentPath) => {
    const signed = signFor(signedPath);
    const computed = signFor(sentPath, { nonce: nonceOf(signed) });
    const reply = await demoCall(sentPath, { auth: signed.header });
    expectOAuthError(reply, 401, 'invalid_signature', { problem: 'signature_invalid', signed: [signed, computed] });
  });

  test('a request signed for another host', async () => {
    const signed = sign({ url: `http://localhost:${portOf(demo.server)}/api/me`, timestamp: NOW });
    const computed = signFor('/api/me', { nonce: nonceOf(signed) });
    const reply = await demoCall('/api/me', { auth: signed.header });
    expectOAuthError(reply, 401, 'invalid_signature', { problem: 'signature_invalid', signed: [signed, computed] });
  });

  test('a request signed for POST sent as GET', async () => {
    const signed = signFor('/api/me', { method: 'POST' });
    const computed = signFor('/api/me', { nonce: nonceOf(signed) });
    const reply = await demoCall('/api/me', { auth: signed.header });
    expectOAuthError(reply, 401, 'invalid_signature', { problem: 'signature_invalid', signed: [signed, computed] });
  });

  test('a form field changed after signing', async () => {
    const { signed } = postNote([['text', 'signed']]);
    const computed = postNote([['text', 'sent']], { nonce: nonceOf(signed) }).signed;
    const reply = await demoCall('/api/notes', { auth: signed.header, type: FORM, body: 'text=sent' });
    expectOAuthError(reply, 401, 'invalid_signature', { problem: 'signature_invalid', signed: [signed, computed] });
  });

  test.each([
    ['HMAC-SHA1', ALICE],
    ['RSA-SHA256', RSA_ONLY],
  ])('%s: the signature with altered unused base64 bits (same bytes)', async (signatureMethod, who) => {
    const genuine = signFor('/api/me', { who, signatureMethod });
    const auth = withRawValue(genuine, 'oauth_signature', enc(flipUnusedBit(genuine.signature)));
    const reply = await demoCall('/api/me', { auth });
    expectOAuthError(reply, 401, 'invalid_signature', { problem: 'signature_invalid', signed: [genuine] });
  });

  test.each([
    ['HMAC-SHA1', ALICE],
    ['RSA-SHA256', RSA_ONLY],
  ])('%s: the signature without its = padding', async (signatureMethod, who) => {
    const genuine = signFor('/api/me', { who, signatureMethod });
    const auth = withRawValue(genuine, 'oauth_signature', enc(unpadded(genuine.signature)));
    const reply = await demoCall('/api/me', { auth });
    expectOAuthError(reply, 401, 'invalid_signature', { problem: 'signature_invalid', signed: [genuine] });
  });

  test.each([
    ['HMAC-SHA1', 'not base64 at all', ALICE],
    ['HMAC-SHA1', 'AAAA', ALICE],
    ['RSA-SHA1', 'not base64 at all', RSA_ONLY],
  ])('%s: a garbage signature (%s)', async (signatureMethod, garbage, who) => {
    const genuine = signFor('/api/me', { who, signatureMethod });
    const auth = withRawValue(genuine, 'oauth_signature', enc(garbage));
    const reply = await demoCall('/api/me', { auth });
    expectOAuthError(reply, 401, 'invalid_signature', { problem: 'signature_invalid', signed: [genuine] });
  });

  test('PLAINTEXT with a wrong token secret', async () => {
    const genuine = signFor('/api/me', { signatureMethod: 'PLAINTEXT' });
    const forged = signFor('/api/me', { signatureMethod: 'PLAINTEXT', who: { ...ALICE, tokenSecret: 'guess' } });
    const reply = await demoCall('/api/me', { auth: forged.header });
    expectOAuthError(reply, 401, 'invalid_signature', { problem: 'signature_invalid', signed: [forged, genuine] });
  });

  test('RSA-SHA256 signed with a key that is not the client\u2019s (an HMAC over the same base string)', async () => {
    const genuine = signFor('/api/me', { who: RSA_ONLY, signatureMethod: 'RSA-SHA256' });
    const hmac = signFor('/api/me', {
      who: RSA_ONLY,
      nonce: nonceOf(genuine),
      oauth: { oauth_signature_method: 'RSA-SHA256' },
    });
    const auth = withRawValue(genuine, 'oauth_signature', enc(hmac.signature));
    const reply = await demoCall('/api/me', { auth });
    expectOAuthError(reply, 401, 'invalid_signature', { problem: 'signature_invalid', signed: [genuine] });
  });
});

describe('401 invalid_nonce: nonce already used for this client, token and timestamp', () => {
  test('the same signed request twice: first served, then refused', async () => {
    const signed = signFor('/api/me');
    expectServed(await demoCall('/api/me', { auth: signed.header }));
    const replay = await demoCall('/api/me', { auth: signed.header });
    expectOAuthError(replay, 401, 'invalid_nonce', { problem: 'nonce_used', signed: [signed] });
  });

  test('replayed through the query string instead of the header', async () => {
    const signed = signFor('/api/me');
    expectServed(await demoCall('/api/me', { auth: signed.header }));
    const replay = await demoCall(`/api/me?${signed.asQuery}`);
    expectOAuthError(replay, 401, 'invalid_nonce', { problem: 'nonce_used', signed: [signed] });
  });

  test('replayed on another route with a fresh signature over the same nonce and timestamp', async () => {
    const first = signFor('/api/me');
    const nonce = nonceOf(first);
    expectServed(await demoCall('/api/me', { auth: first.header }));
    const second = signFor('/api/users/me', { nonce });
    const replay = await demoCall('/api/users/me', { auth: second.header });
    expectOAuthError(replay, 401, 'invalid_nonce', { problem: 'nonce_used', signed: [first, second] });
  });

  test('a forged copy (bad signature) first does not burn the nonce of the genuine request', async () => {
    const genuine = signFor('/api/me');
    const forged = signFor('/api/me', { nonce: nonceOf(genuine), who: { ...ALICE, tokenSecret: 'guess' } });
    const attack = await demoCall('/api/me', { auth: forged.header });
    expectOAuthError(attack, 401, 'invalid_signature', { problem: 'signature_invalid', signed: [forged, genuine] });
    expectServed(await demoCall('/api/me', { auth: genuine.header }));
    const replay = await demoCall('/api/me', { auth: genuine.header });
    expectOAuthError(replay, 401, 'invalid_nonce', { problem: 'nonce_used', signed: [genuine] });
  });

  test.each([
    ['with another timestamp', { timestamp: NOW - 1 }, 'alice'],
    ['by another client', { who: BOB }, 'bob'],
  ])('control: the same nonce %s is served', async (_case, other: Partial<SignOptions>, user) => {
    const nonce = randomBytes(12).toString('hex');
    expectServed(await demoCall('/api/me', { auth: signFor('/api/me', { nonce }).header }));
    expectServed(await demoCall('/api/me', { auth: signFor('/api/me', { nonce, ...other }).header }), user);
  });
});

describe('400 invalid_request: over a limit (Authorization 8 KiB, credential 255 characters, 2,000 parameters)', () => {
  const AUTHORIZATION_LIMIT = 8 * 1024;

  /** A signed header of exactly `length` characters, padded with its realm (never signed, so the signature holds). */
  function signedHeaderOfLength(length: number): string {
    for (let attempt = 0; attempt < 100; attempt++) {
      const nonce = randomBytes(12).toString('hex');
      const build = (pad: string) => signFor('/api/me', { nonce, realm: `demo${pad}` }).header;
      const header = build('p'.repeat(length - build('').length));
      if (header.length === length) return header; // the encoded signature's length varies with its + / =
    }
    throw new Error(`no signed header of ${length} characters`);
  }

  test('an Authorization value one character over 8 KiB', async () => {
    const auth = signedHeaderOfLength(AUTHORIZATION_LIMIT + 1);
    expectOAuthError(await demoCall('/api/me', { auth }), 400, 'invalid_request');
  });

  test('control: an Authorization value of exactly 8 KiB is served', async () => {
    expectServed(await demoCall('/api/me', { auth: signedHeaderOfLength(AUTHORIZATION_LIMIT) }));
  });

  test.each([
    ['oauth_nonce', { nonce: 'n'.repeat(256) }],
    ['oauth_consumer_key', { who: { ...ALICE, consumerKey: 'k'.repeat(256) } }],
    ['oauth_token', { who: { ...ALICE, token: 't'.repeat(256) } }],
    ['a non-ASCII oauth_nonce (512 bytes of UTF-8)', { nonce: '\u00e9'.repeat(256) }],
  ])('%s of 256 characters', async (_case, o) => {
    const signed = signFor('/api/me', o);
    expectOAuthError(await demoCall('/api/me', { auth: signed.header }), 400, 'invalid_request', { signed: [signed] });
  });

  test('control: an oauth_nonce of 255 characters is served', async () => {
    expectServed(await demoCall('/api/me', { auth: signFor('/api/me', { nonce: 'n'.repeat(255) }).header }));
  });

  test.each([
    ['consumer key', { who: { ...ALICE, consumerKey: 'k'.repeat(255) } }, 'invalid_client', 'consumer_key_unknown'],
    ['token', { who: { ...ALICE, token: 't'.repeat(255) } }, 'invalid_token', 'token_rejected'],
  ])('control: an unknown %s of 255 characters passes the limit and is looked up', async (_c, o, error, problem) => {
    const signed = signFor('/api/me', o);
    expectOAuthError(await demoCall('/api/me', { auth: signed.header }), 401, error, { problem, signed: [signed] });
  });

  /** A path whose query and the signed header together carry `total` parameters. */
  function signedWithParameters(total: number) {
    const protocol = signFor('/api/me').oauth.length;
    const path = `/api/me?${Array(total - protocol)
      .fill('a')
      .join('&')}`;
    return { path, signed: signFor(path) };
  }

  test('2,001 parameters in all', async () => {
    const { path, signed } = signedWithParameters(2001);
    expectOAuthError(await demoCall(path, { auth: signed.header }), 400, 'invalid_request', { signed: [signed] });
  });

  test('control: 2,000 parameters in all are served', async () => {
    const { path, signed } = signedWithParameters(2000);
    expectServed(await demoCall(path, { auth: signed.header }));
  });

  test('2,001 parameters, most of them in a form body', async () => {
    const form: [string, string][] = [['text', 'hello'], ...Array(1993).fill(['a', ''] as [string, string])];
    const { signed, reply } = postNote(form);
    expectOAuthError(await reply(), 400, 'invalid_request', { signed: [signed] });
  });
});

describe('431: a header block too large for Node itself', () => {
  test.each([
    ['one huge header', ['X-Padding: ' + 'x'.repeat(20 * 1024)]],
    ['a huge Authorization header', ['Authorization: OAuth realm="demo", pad="' + 'p'.repeat(20 * 1024) + '"']],
    ['many headers', Array.from({ length: 400 }, (_, i) => `X-Padding-${i}: ${'x'.repeat(60)}`)],
  ])('%s', async (_case, lines) => {
    const reply = await rawCall(demo.server, ['GET /api/me HTTP/1.1', hostLine(), ...lines, 'Connection: close']);
    expect(reply.status).toBe(431);
  });
});

describe('413 request_too_large: a body over 64 KiB', () => {
  const LIMIT = 64 * 1024;

  test.each([
    ['JSON with Content-Length', JSON_TYPE, false],
    ['JSON chunked, without Content-Length', JSON_TYPE, true],
    ['a form body with Content-Length', FORM, false],
    ['a form body chunked, without Content-Length', FORM, true],
  ])('%s', async (_case, type, chunked) => {
    // One byte over: `text=` and 64 Ki − 4 characters. (The edge itself is served: spec/limits.spec.ts.)
    const body = type === FORM ? `text=${'x'.repeat(LIMIT - 4)}` : paddedNote(LIMIT + 1);
    const signed = signFor('/api/notes', { method: 'POST', body, bodyHash: type !== FORM });
    const reply = await demoCall('/api/notes', { auth: signed.header, type, body, chunked });
    expectOAuthError(reply, 413, 'request_too_large', { signed: [signed] });
  });

  test('a Content-Length over the limit is refused before the body is sent', async () => {
    const signed = signFor('/api/notes', { method: 'POST' });
    const head = ['POST /api/notes HTTP/1.1', hostLine(), `Authorization: ${signed.header}`, 'Connection: close'];
    const lines = [...head, `Content-Type: ${JSON_TYPE}`, `Content-Length: ${LIMIT + 1}`];
    expectOAuthError(await rawCall(demo.server, lines), 413, 'request_too_large', { signed: [signed] });
  });

  test('and the connection is closed, not kept reading a body of a terabyte until requestTimeout', async () => {
    const signed = signFor('/api/notes', { method: 'POST' });
    const head = ['POST /api/notes HTTP/1.1', hostLine(), `Authorization: ${signed.header}`];
    const lines = [...head, `Content-Type: ${JSON_TYPE}`, `Content-Length: ${10 ** 12}`];
    const reply = await rawCall(demo.server, lines); // answers when the server ends the connection
    expectOAuthError(reply, 413, 'request_too_large', { signed: [signed] });
    expect(reply.headers.connection).toBe('close');
  }, 10_000);

  test.each([
    ['with Content-Length', false],
    ['chunked', true],
  ])('control: a JSON body of exactly 64 KiB, %s, is served', async (_case, chunked) => {
    const body = paddedNote(LIMIT);
    const signed = signFor('/api/notes', { method: 'POST', body, bodyHash: true });
    expectServed(await demoCall('/api/notes', { auth: signed.header, type: JSON_TYPE, body, chunked }));
  });
});

describe('order of checks', () => {
  test('a repeated parameter (step 1) before a missing one (step 2)', async () => {
    const [kept] = partition(signFor('/api/me'), ['oauth_token']);
    const auth = `${oauthHeader(kept)}, oauth_nonce="again"`;
    expectOAuthError(await demoCall('/api/me', { auth }), 400, 'duplicated_oauth_protocol_parameter');
  });

  test('an unknown signature method (step 2) before the timestamp window (step 3)', async () => {
    const signed = signFor('/api/me', { timestamp: NOW - 3600, oauth: { oauth_signature_method: 'HMAC-MD5' } });
    expectOAuthError(await demoCall('/api/me', { auth: signed.header }), 400, 'unsupported_signature_method');
  });

  test('the timestamp window (step 3) before the client (step 4)', async () => {
    const signed = signFor('/api/me', { timestamp: NOW - 3600, who: { ...ALICE, consumerKey: 'no-such-client' } });
    const reply = await demoCall('/api/me', { auth: signed.header });
    expectOAuthError(reply, 401, 'invalid_timestamp', { problem: 'timestamp_refused' });
  });

  test('the client before the token', async () => {
    const signed = signFor('/api/me', { who: { ...ALICE, consumerKey: 'no-such-client', token: 'no-such-token' } });
    const reply = await demoCall('/api/me', { auth: signed.header });
    expectOAuthError(reply, 401, 'invalid_client', { problem: 'consumer_key_unknown' });
  });

  test('the method allowed for the client before the token', async () => {
    const signed = signFor('/api/me', { who: { ...RSA_ONLY, token: 'no-such-token' }, signatureMethod: 'HMAC-SHA1' });
    expectOAuthError(await demoCall('/api/me', { auth: signed.header }), 400, 'unsupported_signature_method');
  });

  test('the token before the signature', async () => {
    const signed = signFor('/api/me', { who: { ...ALICE, token: 'no-such-token', consumerSecret: 'guess' } });
    const reply = await demoCall('/api/me', { auth: signed.header });
    expectOAuthError(reply, 401, 'invalid_token', { problem: 'token_rejected' });
  });
});

// The two apps below register their own protector in typedi's global container, as the demo does; each
// puts the demo's back when it is done, so these blocks come last.

describe('400 insecure_transport: plain http where the protector requires TLS', () => {
  let strict: Demo;
  beforeAll(async () => {
    strict = await startDemo({ clock, insecureTransport: false, trustProxy: true });
  });
  afterAll(async () => {
    await strict.stop();
    Container.set(ResourceProtector, demo.protector);
  });

  const path = '/api/me';
  const signedOver = (scheme: 'http' | 'https') =>
    sign({ url: `${scheme}://127.0.0.1:${portOf(strict.server)}${path}`, timestamp: NOW });

  test('a valid signed request over plain http', async () => {
    const signed = signedOver('http');
    const reply = await call(strict.server, path, { auth: signed.header });
    expectOAuthError(reply, 400, 'insecure_transport', { signed: [signed] });
  });

  test('plain http claiming X-Forwarded-Proto: https to an app that does not trust its proxy', async () => {
    const untrusting = await startDemo({ clock, insecureTransport: false, trustProxy: false });
    try {
      const signed = sign({ url: `https://127.0.0.1:${portOf(untrusting.server)}${path}`, timestamp: NOW });
      const headers: [string, string][] = [['X-Forwarded-Proto', 'https']];
      const reply = await call(untrusting.server, path, { auth: signed.header, headers });
      expectOAuthError(reply, 400, 'insecure_transport', { signed: [signed] });
    } finally {
      await untrusting.stop();
      Container.set(ResourceProtector, strict.protector); // its own demo's again
    }
  });

  test('control: the request through a trusted TLS-terminating proxy is served', async () => {
    const signed = signedOver('https');
    expectServed(await call(strict.server, path, { auth: signed.header, headers: [['X-Forwarded-Proto', 'https']] }));
  });
});

describe('contract app: signature methods restricted by protector, route and client; failing stores', () => {
  let app: ContractApp;
  beforeAll(async () => {
    app = await startContractApp();
  });
  afterAll(async () => {
    await app.stop();
    Container.set(ResourceProtector, demo.protector);
  });

  const signedForApp = (path = '/contract/me', o: Partial<SignOptions> = {}) =>
    sign({ url: `${app.base}${path}`, ...o });
  const appCall = (path: string, signed: Signed) => call(app.server, path, { auth: signed.header });

  /** A control: the contract app served the request for `who`. */
  function expectAppServed(reply: Reply, who = ALICE): void {
    expect({ status: reply.status, body: JSON.parse(reply.text) }).toEqual({ status: 200, body: { token: who.token } });
  }

  describe('400 unsupported_signature_method', () => {
    test.each(['PLAINTEXT', 'HMAC-SHA512'])(
      '%s: known to the library, not enabled by the protector',
      async (method) => {
        const signed = signedForApp('/contract/me', { signatureMethod: method });
        expectOAuthError(await appCall('/contract/me', signed), 400, 'unsupported_signature_method', {
          signed: [signed],
        });
      },
    );

    test('HMAC-SHA1: enabled by the protector, not by the route', async () => {
      const signed = signedForApp('/contract/sha256');
      const reply = await appCall('/contract/sha256', signed);
      expectOAuthError(reply, 400, 'unsupported_signature_method', { signed: [signed] });
    });

    test.each(['HMAC-SHA1', 'RSA-SHA1'])(
      '%s: enabled, and the client has the key, but may not use it',
      async (method) => {
        const signed = signedForApp('/contract/me', { who: RESTRICTED, signatureMethod: method });
        expectOAuthError(await appCall('/contract/me', signed), 400, 'unsupported_signature_method', {
          signed: [signed],
        });
      },
    );

    test.each([
      ['HMAC-SHA1 on the open route', '/contract/me', 'HMAC-SHA1', ALICE],
      ['HMAC-SHA256 on the HMAC-SHA256 route', '/contract/sha256', 'HMAC-SHA256', ALICE],
      ['the restricted client with HMAC-SHA256', '/contract/me', 'HMAC-SHA256', RESTRICTED],
      ['the restricted client with RSA-SHA256', '/contract/me', 'RSA-SHA256', RESTRICTED],
    ])('control: %s is served', async (_case, path, signatureMethod, who) => {
      expectAppServed(await appCall(path, signedForApp(path, { who, signatureMethod })), who);
    });
  });

  describe('503 temporarily_unavailable (with Retry-After): a store fails or times out', () => {
    afterEach(() => {
      app.faults.queryClient = app.faults.queryToken = app.faults.existsNonce = 'none';
    });

    const STORES: StoreName[] = ['queryClient', 'queryToken', 'existsNonce'];
    const FAULTS: NonceFault[] = ['throw', 'reject', 'hang'];
    const cases: [StoreName, NonceFault][] = [
      ...STORES.flatMap((store) => FAULTS.map((fault): [StoreName, NonceFault] => [store, fault])),
      ['existsNonce', 'full'], // a real MemoryNonceCache with no room left
    ];
    test.each(cases)('%s: %s', async (store, fault) => {
      Object.assign(app.faults, { [store]: fault });
      const signed = signedForApp();
      const started = Date.now();
      const reply = await appCall('/contract/me', signed);
      const elapsed = Date.now() - started;
      // Its nonce may yet be recorded (a write that timed out and then landed): the same request again is a replay.
      expectOAuthError(reply, 503, 'temporarily_unavailable', {
        signed: [signed],
        describes: 'sign the request again',
      });
      if (fault === 'hang') expect(elapsed).toBeGreaterThanOrEqual(STORE_TIMEOUT_MS - 10);
      expect(elapsed).toBeLessThan(STORE_TIMEOUT_MS + 2000);
    });
  });
});
