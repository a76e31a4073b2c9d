/**
 * Plain Koa with koa-bodyparser before the guard and no `oauthBodyParser()`: the guard has only the text the parser
 * decoded as UTF-8, whose ill-formed bytes became U+FFFD. A body whose text holds one is refused, as
 * `oauthBodyParser()` refuses JSON bytes that are not UTF-8, rather than verified as bytes that were never sent:
 * an ill-formed three-byte sequence keeps the length the parser's text is checked against, and a chunked body has none.
 */
import { request as httpRequest } from 'node:http';
import { startEchoApps, type EchoApps } from './support/echo-app';
import { ALICE, sign } from './support/sign';

let apps: EchoApps;
beforeAll(async () => {
  apps = await startEchoApps();
});
afterAll(() => apps.stop());

/** POSTs `sent` as JSON to the plain Koa app, signed over `signed`'s body hash; the status and the OAuth error. */
function post(sent: Buffer, signed: Buffer, chunked: boolean): Promise<{ status: number; error?: string }> {
  const { port } = apps.servers['koa-plain'];
  const url = `http://127.0.0.1:${port}/echo/any`;
  const authorization = sign({ method: 'POST', url, who: ALICE, body: signed, bodyHash: true }).header;
  const headers: Record<string, string | number> = { Authorization: authorization, 'Content-Type': 'application/json' };
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

  it('verifies a UTF-8 body, chunked or not', async () => {
    const body = Buffer.from('{"s":"é€"}');
    expect(await post(body, body, false)).toEqual({ status: 200 });
    expect(await post(body, body, true)).toEqual({ status: 200 });
  });
});
