/**
 * Rules of issue "hostile input and transport" not already pinned row by row in error-contract.spec.ts.
 */
import request from 'supertest';
import { startDemo } from './support/demo';
import { enc, sign } from './support/sign';

type Demo = Awaited<ReturnType<typeof startDemo>>;

describe('on a development demo (plain http allowed)', () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await startDemo();
  });
  afterAll(() => demo.stop());

  it.each(['%00', '%0A', '%1F', '%7F'])(
    'refuses a decoded control character (%s) in a protocol parameter with 400 invalid_request',
    async (escape) => {
      const url = `${demo.base}/api/me`;
      const signed = sign({ url, nonce: `abc${decodeURIComponent(escape)}def` });
      const res = await request(demo.server).get('/api/me').set('Authorization', signed.header);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.error_description).toBe('The value of the oauth_nonce parameter contains a control character.');
      expect(res.headers['cache-control']).toBe('no-store');
    },
  );

  it('accepts control characters in an ordinary parameter, which are data', async () => {
    const url = `${demo.base}/api/me?text=${enc('line one\nline two')}`;
    const res = await request(demo.server)
      .get(`/api/me?text=${enc('line one\nline two')}`)
      .set('Authorization', sign({ url }).header);
    expect(res.status).toBe(200);
  });

  it('signs a realm sent in the query like any other parameter (only the header realm is left out)', async () => {
    const url = `${demo.base}/api/me?realm=photos`;
    const signedWithIt = sign({ url });
    const ok = await request(demo.server).get('/api/me?realm=photos').set('Authorization', signedWithIt.header);
    expect(ok.status).toBe(200);
    const signedWithout = sign({ url: `${demo.base}/api/me` });
    const refused = await request(demo.server).get('/api/me?realm=photos').set('Authorization', signedWithout.header);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_signature');
  });

  it('leaves the header realm out of the signature, whatever its case or value', async () => {
    const url = `${demo.base}/api/me`;
    const header = sign({ url }).header.replace('OAuth realm="demo"', 'OAuth Realm="anything at all"');
    const res = await request(demo.server).get('/api/me').set('Authorization', header);
    expect(res.status).toBe(200);
  });

  it('ignores X-Forwarded-Proto and X-Forwarded-Host when the app does not trust a proxy', async () => {
    const res = await request(demo.server)
      .get('/api/me')
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'api.example.com')
      .set('Authorization', sign({ url: 'https://api.example.com/api/me' }).header);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_signature');
  });

  it('allows PLAINTEXT over plain http only because the development switch is on', async () => {
    const url = `${demo.base}/api/me`;
    const res = await request(demo.server)
      .get('/api/me')
      .set('Authorization', sign({ url, signatureMethod: 'PLAINTEXT' }).header);
    expect(res.status).toBe(200);
  });
});

describe('on a demo that requires TLS and trusts its proxy', () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await startDemo({ insecureTransport: false, trustProxy: true });
  });
  afterAll(() => demo.stop());

  it('refuses PLAINTEXT over plain http with 400 insecure_transport', async () => {
    const url = `${demo.base}/api/me`;
    const res = await request(demo.server)
      .get('/api/me')
      .set('Authorization', sign({ url, signatureMethod: 'PLAINTEXT' }).header);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('insecure_transport');
  });

  it('accepts PLAINTEXT that reached a trusted TLS proxy, and uses the forwarded scheme and host in the base string', async () => {
    const res = await request(demo.server)
      .get('/api/me')
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'API.Example.com:443')
      .set('Authorization', sign({ url: 'https://api.example.com/api/me', signatureMethod: 'PLAINTEXT' }).header);
    expect(res.status).toBe(200);
  });

  it('refuses a signature made for http when the trusted proxy says https', async () => {
    const res = await request(demo.server)
      .get('/api/me')
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'api.example.com')
      .set('Authorization', sign({ url: 'http://api.example.com/api/me' }).header);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_signature');
  });
});
