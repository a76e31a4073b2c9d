import Koa from 'koa';
import { constants } from 'node:buffer';
import { once } from 'node:events';
import { connect, createServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { requireOAuth } from '../../src';
import { LONGEST_SIGNED_FORM, readHttpRequest, type HttpRequest } from '../../src/http/http-request';
import { RequestTooLargeError } from '../../src/rfc5849/errors';
import { plainHttpProtector, WHO } from '../support/fixtures';
import { nodeRequest } from '../support/node-request';
import { sign } from '../support/sign';

const protector = plainHttpProtector();

/** A bodiless GET with these headers. */
const withHeaders = (headers: Record<string, string>) => nodeRequest({ target: '/a', headers });

const noBody = () => Buffer.alloc(0);

describe('readHttpRequest: whether the proxy is trusted', () => {
  it('is asked only of a request with an X-Forwarded-Proto or X-Forwarded-Host header', () => {
    let asked = 0;
    const trustProxy = () => (asked++, true);
    const plain = readHttpRequest(withHeaders({ Host: 'api.example' }), { target: '/a', trustProxy }, noBody);
    expect(asked).toBe(0);
    expect(plain).toMatchObject({ scheme: 'http', host: 'api.example', usedForwarded: [], ignoredForwarded: [] });

    const forwarded = readHttpRequest(
      withHeaders({ Host: 'internal', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'api.example' }),
      { target: '/a', trustProxy },
      noBody,
    ) as HttpRequest;
    expect(asked).toBe(1);
    expect(forwarded).toMatchObject({ scheme: 'https', host: 'api.example' });
    expect(forwarded.usedForwarded.sort()).toEqual(['X-Forwarded-Host', 'X-Forwarded-Proto']);
  });

  it('reads the forwarded headers of an untrusted proxy as absent, and lists them for hints', () => {
    const read = readHttpRequest(
      withHeaders({ Host: 'internal', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': '' }),
      { target: '/a', trustProxy: () => false },
      noBody,
    ) as HttpRequest;
    expect(read).toMatchObject({ scheme: 'http', host: 'internal', usedForwarded: [] });
    expect(read.ignoredForwarded).toEqual(['X-Forwarded-Proto']);
  });

  it("takes a trusted proxy's X-Forwarded-Proto over a TLS hop too: the client's hop may have been plain http", () => {
    const overTls = (headers: Record<string, string>, trustProxy: boolean) => {
      const req = withHeaders({ Host: 'api.example', ...headers });
      Object.defineProperty(req.socket, 'encrypted', { value: true });
      return readHttpRequest(req, { target: '/a', trustProxy }, noBody) as HttpRequest;
    };
    expect(overTls({}, true).scheme).toBe('https');
    expect(overTls({ 'X-Forwarded-Proto': 'http' }, true).scheme).toBe('http');
    expect(overTls({ 'X-Forwarded-Proto': 'HTTPS' }, true).scheme).toBe('https');
    expect(overTls({ 'X-Forwarded-Proto': 'http' }, false).scheme).toBe('https');
    expect(() => overTls({ 'X-Forwarded-Proto': 'gopher' }, true)).toThrow(
      'The X-Forwarded-Proto is not http or https.',
    );
  });

  it('refuses an empty forwarded header of a trusted proxy, as a boolean or a function says', () => {
    for (const trustProxy of [true, () => true]) {
      expect(() =>
        readHttpRequest(
          withHeaders({ Host: 'internal', 'X-Forwarded-Host': '' }),
          { target: '/a', trustProxy },
          noBody,
        ),
      ).toThrow('A forwarded header of the trusted proxy is empty.');
    }
  });
});

describe('readHttpRequest: the body', () => {
  const read = (headers: Record<string, string>, bytes: string) => {
    let calls = 0;
    const body = () => (calls++, Buffer.from(bytes));
    const request = readHttpRequest(
      withHeaders({ Host: 'api.example', ...headers }),
      { target: '/a', trustProxy: false },
      body,
    );
    return { request: request as HttpRequest, calls };
  };

  it.each([
    ['no Content-Length or Transfer-Encoding', {}],
    ['Content-Length: 0', { 'Content-Length': '0' }],
    ['an empty Content-Length', { 'Content-Length': '' }],
  ])('reads no body, and leaves the stream alone, for a request with %s', (_what, headers) => {
    const { request, calls } = read(headers, 'unread');
    expect(calls).toBe(0);
    expect(request.hasBody).toBe(false);
    expect(request.body.length).toBe(0);
  });

  it.each([
    ['Content-Length: 6', { 'Content-Length': '6' }, 'a=b&c='],
    ['Transfer-Encoding: chunked', { 'Transfer-Encoding': 'chunked' }, 'a=b&c='],
    ['Transfer-Encoding: chunked, and no bytes', { 'Transfer-Encoding': 'chunked' }, ''],
  ])('reads the body of a request with %s, once', (_what, headers, bytes) => {
    const { request, calls } = read(headers, bytes);
    expect(calls).toBe(1);
    expect(request.hasBody).toBe(true);
    expect(request.body.toString()).toBe(bytes);
  });
});

describe('readHttpRequest: a form too long to sign', () => {
  const FORM = { Host: 'api.example', 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': '1' };
  const readForm = (length: number) =>
    readHttpRequest(withHeaders(FORM), { target: '/a', trustProxy: false }, () => Buffer.alloc(length, 'a'));

  it('is 413 past the longest form whose base string V8 can make (each byte up to five characters of it)', () => {
    expect(LONGEST_SIGNED_FORM * 5).toBeLessThan(constants.MAX_STRING_LENGTH);
    expect(() => readForm(LONGEST_SIGNED_FORM + 1)).toThrow(RequestTooLargeError);
    expect((readForm(LONGEST_SIGNED_FORM) as HttpRequest).form).toHaveLength(LONGEST_SIGNED_FORM);
  });
});

describe('readHttpRequest: a head Node may not have read whole', () => {
  /** A request with `lines` header lines (Host and fillers), on a socket of a server with this maxHeadersCount. */
  const withLines = (lines: number, maxHeadersCount?: number | null) => {
    const headers: Record<string, string> = { Host: 'api.example' };
    for (let i = 1; i < lines; i++) headers[`x-filler-${i}`] = '';
    const req = withHeaders(headers);
    if (maxHeadersCount !== undefined) Object.assign(req.socket, { server: { maxHeadersCount } });
    return () => readHttpRequest(req, { target: '/a', trustProxy: false }, noBody);
  };
  const refusal = 'The request has more header lines than the server reads whole.';

  it("refuses a request with as many lines as the server's maxHeadersCount (Node 20 drops the lines past it)", () => {
    expect(withLines(999)).not.toThrow();
    expect(withLines(1000)).toThrow(refusal); // no server known: Node's default, 1,000
    expect(withLines(999, null)).not.toThrow(); // http.Server's own default
    expect(withLines(1000, null)).toThrow(refusal);
    expect(withLines(99, 100)).not.toThrow();
    expect(withLines(100, 100)).toThrow(refusal);
    expect(withLines(1500, 3000)).not.toThrow();
  });

  it('reads any number of lines on a server that keeps them all (maxHeadersCount 0)', () => {
    expect(withLines(5000, 0)).not.toThrow();
  });
});

describe('readHttpRequest: HTTP/2', () => {
  // Koa's ctx.host reads :authority on HTTP/2 where the guard reads Host, and an HTTP/2 request need not send Host.
  it('refuses to verify an HTTP/2 request (h2c, Koa), rather than verify it for a host the action does not see', async () => {
    const app = new Koa();
    app.use(requireOAuth(protector));
    app.use((ctx) => {
      ctx.body = { host: ctx.host };
    });
    const server = createServer(app.callback());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const session = connect(`http://127.0.0.1:${port}`);
    try {
      const answer = (headers: Record<string, string>) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const stream = session.request({ ':method': 'GET', ':path': '/me', ...headers });
          let status = 0;
          let body = '';
          stream.on('response', (head) => (status = Number(head[':status'])));
          stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
          stream.on('end', () => resolve({ status, body }));
          stream.on('error', reject);
          stream.end();
        });
      const signedFor = (host: string) => sign({ url: `http://${host}/me`, who: WHO }).header;
      for (const headers of <Record<string, string>[]>[
        { ':authority': 'good.example', authorization: signedFor('good.example') },
        { ':authority': 'good.example', host: 'evil.example', authorization: signedFor('evil.example') },
      ]) {
        const { status, body } = await answer(headers);
        expect({ status, ...(JSON.parse(body) as object) }).toEqual({
          status: 400,
          error: 'invalid_request',
          error_description: 'Only HTTP/1.x requests are verified.',
        });
      }
    } finally {
      session.close();
      server.close();
    }
  });
});
