/**
 * Plain Koa with koa-bodyparser before the guard and no `oauthBodyParser()`: the guard has only the text the parser
 * decoded as UTF-8, whose ill-formed bytes became U+FFFD. A body whose text holds one is refused, as
 * `oauthBodyParser()` refuses JSON bytes that are not UTF-8, rather than verified as bytes that were never sent:
 * an ill-formed three-byte sequence keeps the length the parser's text is checked against, and a chunked body has none
 * (so it is refused, as is a byte order mark the parser dropped).
 */
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { startEchoApps, type EchoApps } from './support/echo-app';
import { ALICE, sign } from './support/sign';

let apps: EchoApps;
beforeAll(async () => {
  apps = await startEchoApps();
});
afterAll(() => apps.stop());

/** POSTs `sent` as JSON to the plain Koa app, signed over `signed`'s body hash; the status and the OAuth error. */
function post(
  sent: Buffer,
  signed: Buffer,
  chunked: boolean,
  extra: Record<string, string> = { 'Content-Type': 'application/json' },
): Promise<{ status: number; error?: string }> {
  const { port } = apps.servers['koa-plain'];
  const url = `http://127.0.0.1:${port}/echo/any`;
  const authorization = sign({ method: 'POST', url, who: ALICE, body: signed, bodyHash: true }).header;
  const headers: Record<string, string | number> = { Authorization: authorization, ...extra };
  headers[chunked ? 'Transfer-Encoding' : 'Content-Length'] = chunked ? 'chunked' : sent.length;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/echo/any', method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        resolve(status === 200 ? { status } : { status, error: (JSON.parse(text) as { error: string }).error });
      });
    });
    req.on('error', reject);
    req.end(sent);
  });
}

const json = (inner: string) => Buffer.concat([Buffer.from('{"s":"'), Buffer.from(inner, 'hex'), Buffer.from('"}')]);

describe('koa-bodyparser read the body first (no oauthBodyParser())', () => {
  it.each([
    ['an ill-formed three-byte sequence, Content-Length given', 'f09080', 'efbfbd', false],
    ['bytes that are never UTF-8, chunked', 'fffe', 'efbfbdefbfbd', true],
  ])('refuses %s, signed over the text the parser made of it', async (_case, sent, decoded, chunked) => {
    expect(await post(json(sent), json(decoded), chunked)).toEqual({ status: 400, error: 'invalid_request' });
  });

  it('refuses a byte order mark the parser dropped, and a chunked body, whose length it cannot compare', async () => {
    const body = Buffer.from('{"s":"é€"}');
    const marked = Buffer.concat([Buffer.from('efbbbf', 'hex'), body]);
    expect(await post(marked, body, false)).toEqual({ status: 400, error: 'invalid_request' });
    expect(await post(body, body, true)).toEqual({ status: 400, error: 'invalid_request' });
  });

  it('refuses a body the parser inflated, even where the inflated text has the length sent', async () => {
    // A CSP report is JSON to koa-bodyparser, which undoes gzip; 262 random characters make both 270 bytes.
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&()*+,-./:;<=>?@[]^_{|}~';
    const inflated = Buffer.from(
      JSON.stringify({ s: Array.from({ length: 262 }, () => alphabet[random() % 90]).join('') }),
    );
    const sent = gzipSync(inflated);
    expect(sent.length).toBe(inflated.length);
    const coded = { 'Content-Type': 'application/csp-report', 'Content-Encoding': 'gzip' };
    expect(await post(sent, inflated, false, coded)).toEqual({ status: 400, error: 'invalid_request' });
  });

  it('verifies a UTF-8 body sent with its Content-Length', async () => {
    const body = Buffer.from('{"s":"é€"}');
    expect(await post(body, body, false)).toEqual({ status: 200 });
  });
});
