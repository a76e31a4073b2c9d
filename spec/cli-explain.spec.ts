/**
 * `routing-controllers-oauth1 explain` (and `sign --explain`), run as a child process: the RFC 5849 §3.4.1.1
 * base string example, the §1.2 protected resource request (whose published signature must follow from the
 * printed base string), requests printed by `sign` compared with the tests' independent signer, and bad input.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSignatureReport } from '../src/rfc5849/diagnosis';
import { enc, sign } from './support/sign';
import { compiledCli } from './support/cli';

const cli = compiledCli('oauth1-cli-explain-');

/** The lines of a printed report, by field. */
function fields(report: string): { method: string; uri: string; parameters: string[]; base: string; hints: string[] } {
  const lines = report.trimEnd().split('\n');
  const value = (prefix: string) => lines.find((l) => l.startsWith(prefix))!.slice(prefix.length);
  return {
    method: value('method:      '),
    uri: value('uri:         '),
    parameters: lines.filter((l) => l.startsWith('  ')).map((l) => l.slice(2)),
    base: value('base string: '),
    hints: lines.filter((l) => l.startsWith('hint: ')).map((l) => l.slice(6)),
  };
}

interface Vector {
  source: string;
  method: string;
  uri: string;
  params?: [string, string][];
  raw_request?: string;
  base_string?: string;
  client_secret?: string;
  token_secret?: string;
  signature?: string;
}
const VECTORS = (
  JSON.parse(readFileSync(join(__dirname, 'vectors', 'hmac-sha1.json'), 'utf8')) as { vectors: Vector[] }
).vectors;

describe('routing-controllers-oauth1 explain (child process)', () => {
  describe('RFC 5849 §3.4.1.1: the base string example', () => {
    const vector = VECTORS.find((v) => v.source.startsWith('RFC 5849 section 3.4.1.1'))!;
    // The raw request of the vector, taken apart: request line, headers, body.
    const [head, body] = vector.raw_request!.split('\r\n\r\n');
    const [requestLine, ...headerLines] = head.split('\r\n');
    const [method, target] = requestLine.split(' ');
    const header = (name: string) =>
      headerLines.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))!.replace(/^[^:]*:\s*/, '');
    const url = `http://${header('Host')}${target}`;
    const authorizationLine = headerLines.find((l) => l.startsWith('Authorization:'))!;

    it('prints the vector’s base string, the parameters in §3.4.1.3.2 order, in the server’s layout', async () => {
      expect(url).toBe('http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b');
      expect(body).toBe('c2&a3=2+q');
      const out = await cli(['explain', '--header', authorizationLine, '--form', body, method, url]);
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);

      const report = fields(out.stdout);
      expect(report.base).toBe(vector.base_string);
      // The normalized parameters as RFC 5849 §3.4.1.3.2 lists them (realm and oauth_signature left out).
      expect(report.parameters).toEqual([
        'a2=r%20b',
        'a3=2%20q',
        'a3=a',
        'b5=%3D%253D',
        'c%40=',
        'c2=',
        'oauth_consumer_key=9djdj82h48djs9d2',
        'oauth_nonce=7d8f3e4a',
        'oauth_signature_method=HMAC-SHA1',
        'oauth_timestamp=137131201',
        'oauth_token=kkk9d7dh3k39sjv7',
      ]);
      // ...which are the third part of the base string, decoded once.
      expect(report.parameters.join('&')).toBe(decodeURIComponent(vector.base_string!.split('&')[2]));
      // b5's value is "=%3D" on purpose in the RFC; explain points at it.
      expect(report.hints).toEqual(['a value still contains %XX after decoding: encoded twice? (b5)']);
      expect(out.stdout).toBe(
        `${formatSignatureReport({
          method: 'POST',
          uri: 'http://example.com/request',
          parameters: report.parameters,
          baseString: vector.base_string!,
          hints: report.hints,
        })}\n`,
      );
    });

    it('--authorization (the value only) and --data (literal) give the same report', async () => {
      const [viaHeader, viaValue] = await Promise.all([
        cli(['explain', '--header', authorizationLine, '--form', body, method, url]),
        cli([
          'explain',
          `--authorization=${header('Authorization')}`,
          '--data',
          'c2=',
          '--data',
          'a3=2 q',
          method,
          url,
        ]),
      ]);
      expect(viaValue).toEqual({ code: 0, stdout: viaHeader.stdout, stderr: '' });
    });
  });

  it('RFC 5849 §1.2: the published signature is the HMAC-SHA1 of the printed base string', async () => {
    const vector = VECTORS.find((v) => v.source === 'RFC 5849 section 1.2 (protected resource request)')!;
    const query = vector.params!.filter(([name]) => !name.startsWith('oauth_'));
    const oauth = vector.params!.filter(([name]) => name.startsWith('oauth_'));
    const authorization =
      'OAuth realm="Photos", ' +
      [...oauth, ['oauth_signature', vector.signature!]].map(([n, v]) => `${n}="${enc(v)}"`).join(', ');
    const out = await cli([
      'explain',
      '--authorization',
      authorization,
      'GET',
      `${vector.uri}?${query.map(([n, v]) => `${n}=${enc(v)}`).join('&')}`,
    ]);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    const report = fields(out.stdout);
    expect(report).toMatchObject({ method: 'GET', uri: 'http://photos.example.net/photos', hints: [] });
    expect(report.base).toBe(vector.base_string);
    const key = `${enc(vector.client_secret!)}&${enc(vector.token_secret!)}`;
    expect(createHmac('sha1', key).update(report.base).digest('base64')).toBe(vector.signature);
  });

  describe('a request printed by sign, then explained', () => {
    const alice = [
      '--consumer-key',
      'demo-client',
      '--consumer-secret',
      'demo-client-secret',
      '--token',
      'demo-token',
      '--token-secret',
      'demo-token-secret',
    ];
    const fixed = ['--timestamp', '1700000000', '--nonce', 'fixednonce'];
    const url = 'http://127.0.0.1:8080/api/x%20y?b=2&a=x%20y+z&c=';
    const form: [string, string][] = [
      ['text', 'a+b & c'],
      ['é', '100%'],
    ];

    /** The Authorization header, form body and URL of a printed curl command (none has a single quote). */
    function parseCurl(command: string): { authorization: string; body?: string; url: string } {
      return {
        authorization: /-H 'Authorization: ([^']*)'/.exec(command)![1],
        body: /--data-binary '([^']*)'/.exec(command)?.[1],
        url: /'([^']*)'\s*$/.exec(command)![1],
      };
    }

    it.each(['HMAC-SHA1', 'RSA-SHA256', 'PLAINTEXT'])(
      '%s: the base string is the test signer’s, and sign --explain prints the same report',
      async (signatureMethod) => {
        const keyArgs = signatureMethod.startsWith('RSA-')
          ? ['--private-key', join('spec', 'fixtures', 'demo-client.pem')]
          : [];
        const signed = await cli([
          'sign',
          ...alice,
          ...keyArgs,
          ...fixed,
          '--signature-method',
          signatureMethod,
          '--realm',
          'demo',
          ...form.flatMap(([name, value]) => ['--data', `${name}=${value}`]),
          '--explain',
          'PUT',
          url,
        ]);
        expect(signed.code).toBe(0);
        const sent = parseCurl(signed.stdout);
        const explained = await cli([
          'explain',
          '--header',
          `Authorization: ${sent.authorization}`,
          '--form',
          sent.body!,
          'PUT',
          sent.url,
        ]);
        expect(explained).toMatchObject({ code: 0, stderr: '' });

        const expected = sign({
          method: 'PUT',
          url,
          form,
          signatureMethod,
          timestamp: 1700000000,
          nonce: 'fixednonce',
        });
        const report = fields(explained.stdout);
        expect(report.base).toBe(expected.baseString);
        expect(report.uri).toBe('http://127.0.0.1:8080/api/x%20y');
        expect(report.parameters).toContain(`oauth_signature_method=${signatureMethod}`);
        expect(report.parameters.some((p) => p.startsWith('oauth_signature='))).toBe(false);
        expect(report.hints).toEqual([
          'the URL has a non-default port (8080), which is signed: the server must see the same port ' +
            '(check proxies and the Host header)',
        ]);
        // sign --explain: the same report on stderr, after any warning (PLAINTEXT over http:// has one).
        expect(signed.stderr.endsWith(explained.stdout)).toBe(true);
        if (signatureMethod === 'PLAINTEXT') expect(signed.stderr).toMatch(/^routing-controllers-oauth1: warning: /);
        else expect(signed.stderr).toBe(explained.stdout);
      },
    );

    it('a JSON body: its oauth_body_hash is signed, the body itself is not a parameter', async () => {
      const json = '{"text":"hi"}';
      const signed = await cli(['sign', ...alice, ...fixed, '--json', json, '--header-only', 'POST', url]);
      expect(signed.code).toBe(0);
      const explained = await cli(['explain', '--authorization', signed.stdout.trimEnd(), 'POST', url]);
      expect(explained.code).toBe(0);
      const expected = sign({
        method: 'POST',
        url,
        body: json,
        bodyHash: true,
        timestamp: 1700000000,
        nonce: 'fixednonce',
      });
      expect(fields(explained.stdout).base).toBe(expected.baseString);
    });
  });

  it('a request without oauth_ parameters: the base string of the given parameters, and a hint', async () => {
    const out = await cli(['explain', '--form', 'z=1', 'post', 'HTTPS://Example.COM:443/Path?a=%7E+b']);
    expect(out).toEqual({
      code: 0,
      stderr: '',
      stdout:
        [
          'method:      POST',
          'uri:         https://example.com/Path',
          'parameters:',
          '  a=~%20b',
          '  z=1',
          'base string: POST&https%3A%2F%2Fexample.com%2FPath&a%3D~%2520b%26z%3D1',
          'hint: the request has no oauth_ parameters: this is the base string of the given parameters alone; ' +
            'a signed request adds its protocol parameters (all but oauth_signature)',
        ].join('\n') + '\n',
    });
  });

  it('names parameters encoded in its hints: a name a request chose cannot add a line or drive the terminal', async () => {
    // Decoded, these names held a line break (a forged "hint:" line) and ESC sequences (a window title, a cleared screen).
    const out = await cli(['explain', 'POST', 'http://h/?x%0Ahint%3A%20all%20good%2541=1&y%1B%5D0%3Bpwned%07%2541=2']);
    const hint = out.stdout.split('\n').filter((line) => line.startsWith('hint:'));
    expect(hint.at(-1)).toBe(
      'hint: a value still contains %XX after decoding: encoded twice? (x%0Ahint%3A%20all%20good%2541, y%1B%5D0%3Bpwned%07%2541)',
    );
    expect([...out.stdout].filter((c) => c !== '\n' && (c < ' ' || c === '\x7f'))).toEqual([]);
    expect(out.stdout.split('\n').filter((line) => line.startsWith('hint: all good'))).toEqual([]);
  });

  it('bad input: exit 2, a clear message on stderr, nothing on stdout', async () => {
    const url = 'http://example.com/request';
    const cases: [string[], string][] = [
      [
        ['--authorization', 'OAuth oauth_nonce=abc', 'GET', url],
        'The Authorization header is malformed: parameter values must be quoted.',
      ],
      [
        ['--header', 'Authorization: OAuth oauth_nonce="a" oauth_token="b"', 'GET', url],
        'The Authorization header is malformed: parameters must be separated by commas.',
      ],
      [
        ['--authorization', 'OAuth oauth_nonce="%zz"', 'GET', url],
        'The Authorization header is malformed: a parameter has malformed percent-encoding or is not valid UTF-8.',
      ],
      [['--authorization', 'Basic dXNlcjpwYXNz', 'GET', url], 'The Authorization header does not use the OAuth scheme'],
      [
        ['--header', 'Authorisation: OAuth a="b"', 'GET', url],
        "--header takes the Authorization header, 'Authorization: OAuth ...'.",
      ],
      [
        ['--form', 'a=%E9', 'POST', url],
        'The form body is malformed: a parameter has malformed percent-encoding or is not valid UTF-8.',
      ],
      [['GET', `${url}?a=%`], 'The query string is malformed: a parameter has malformed percent-encoding'],
      [
        ['--authorization', 'OAuth oauth_nonce="a"', '--data', 'oauth_token=t', 'POST', url],
        'OAuth protocol parameters were sent in both the Authorization header and the form body.',
      ],
      [
        ['--authorization', 'OAuth oauth_nonce="a", oauth_nonce="b"', 'GET', url],
        'The oauth_nonce parameter is repeated.',
      ],
      [['GET', 'http://example.com/a b'], 'The URL has a space'],
      // A server refuses these paths unsigned; explain read them as fine (exit 0) before.
      [['GET', 'http://example.com/x%zz'], "The URL's path has a malformed percent-escape"],
      [
        ['GET', 'http://example.com/%FF'],
        "The URL's path has a malformed percent-escape, or escapes that are not UTF-8",
      ],
      // WHATWG reads "\\" as "/": explain took "h\\x" for the host and sign "/x/y" for the path.
      [['GET', 'http://example.com\\x/y'], 'The URL has a backslash before its query'],
      [['GET', '/request'], "'/request' is not an absolute URL."],
      [['GET'], 'Missing URL after GET.'],
      [['--json', '{}', 'GET', url], 'Unknown option --json for explain.'],
    ];
    const outs = await Promise.all(cases.map(([args]) => cli(['explain', ...args])));
    outs.forEach((out, i) => {
      expect(out).toEqual({ code: 2, stdout: '', stderr: expect.stringContaining(`error: ${cases[i][1]}`) });
      expect(out.stderr).toMatch(/explain --help' for usage\.\n$/);
    });
  });

  it('--help documents explain and sign --explain', async () => {
    const [top, sub] = await Promise.all([cli(['--help']), cli(['explain', '--help'])]);
    expect(sub).toEqual(top);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(
      /^Usage: routing-controllers-oauth1 sign \[options\] METHOD URL\n {7}routing-controllers-oauth1 explain \[options\] METHOD URL\n/,
    );
    for (const word of ['--header', '--authorization', '--form', '--explain', 'base string']) {
      expect(top.stdout).toContain(word);
    }
  });
});
