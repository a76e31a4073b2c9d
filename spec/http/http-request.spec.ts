import { readHttpRequest, type HttpRequest } from '../../src/http/http-request';
import { nodeRequest } from '../support/node-request';

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
