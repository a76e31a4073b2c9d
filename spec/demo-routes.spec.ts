import { randomBytes } from 'node:crypto';
import type express from 'express';
import request from 'supertest';
import { notRouted } from '../demo/not-routed';
import { ALICE, BOB, enc, formBody, RSA_ONLY, sign } from './support/sign';
import { startDemo } from './support/demo';

let demo: Awaited<ReturnType<typeof startDemo>>;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(() => demo.stop());

describe('demo routes', () => {
  it('answers a method no route takes (TRACE, PROPFIND) with a 4xx, as any bad request', async () => {
    for (const method of ['trace', 'propfind'] as const) {
      const res = await request(demo.server)[method]('/api/public');
      expect([method, res.status >= 400 && res.status < 500]).toEqual([method, true]);
    }
  });

  it('answers a path it routes with other methods 405 naming them in Allow, and one it does not route 404', async () => {
    const allowed = (res: request.Response) => String(res.headers.allow).split(/, */).sort();
    const cases = [
      ['put', '/api/me', ['GET', 'HEAD']],
      ['get', '/API/Notes/7/', ['DELETE']], // any case, a slash after, as the routers match
      ['trace', '/api/public', ['GET', 'HEAD']],
    ] as const;
    for (const [method, path, methods] of cases) {
      const res = await request(demo.server)[method](path);
      expect([method, path, res.status, allowed(res)]).toEqual([method, path, 405, methods]);
    }
    for (const [method, path] of [
      ['put', '/api/nothing'],
      ['get', '/api/notes/7/more'],
      ['delete', '/api/mee'],
      ['propfind', '/api/nothing'],
    ] as const) {
      const res = await request(demo.server)[method](path);
      expect([method, path, res.status, res.type, res.text]).toEqual([method, path, 404, 'text/plain', 'Not Found']);
    }
  });

  it('answers OPTIONS on a path it routes 200 with its methods in Allow and no body, and on one it does not route 404', async () => {
    for (const [path, methods] of [
      ['/api/me', 'HEAD, GET'],
      ['/api/notes/7', 'DELETE'],
    ] as const) {
      const res = await request(demo.server).options(path);
      expect([path, res.status, res.headers.allow, res.headers['content-length'], res.text]).toEqual([
        path,
        200,
        methods,
        '0',
        '',
      ]);
    }
    const res = await request(demo.server).options('/api/nothing');
    expect([res.status, res.text]).toEqual([404, 'Not Found']);
  });

  it("leaves alone a request an action answered: routing-controllers' Express driver calls next() after it", () => {
    const res = { headersSent: true, set: jest.fn(), sendStatus: jest.fn() };
    notRouted({ path: '/api/nothing' } as express.Request, res as unknown as express.Response);
    expect([res.set.mock.calls.length, res.sendStatus.mock.calls.length]).toEqual([0, 0]);
  });

  it('GET /api/me answers alice and her client key to a header-signed request', async () => {
    const url = `${demo.base}/api/me?greeting=hello%20world`;
    const res = await request(demo.server)
      .get('/api/me?greeting=hello%20world')
      .set('Authorization', sign({ url }).header);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { id: 1, name: 'alice' }, client_id: 'demo-client' });
  });

  it('PLAINTEXT needs oauth_timestamp and oauth_nonce as every method does (the error contract): never replayable', async () => {
    const signature = enc(`${enc(ALICE.consumerSecret ?? '')}&${enc(ALICE.tokenSecret ?? '')}`);
    const header = (more: string) =>
      `OAuth oauth_consumer_key="${ALICE.consumerKey}", oauth_token="${ALICE.token}", ` +
      `oauth_signature_method="PLAINTEXT"${more}, oauth_signature="${signature}"`;
    const get = (authorization: string) => request(demo.server).get('/api/me').set('Authorization', authorization);
    for (const without of ['', `, oauth_timestamp="${Math.floor(Date.now() / 1000)}"`, ', oauth_nonce="n1"']) {
      const refused = await get(header(without));
      expect([refused.status, refused.body.error]).toEqual([400, 'missing_required_parameter']);
    }
    const once = header(
      `, oauth_timestamp="${Math.floor(Date.now() / 1000)}", oauth_nonce="${randomBytes(8).toString('hex')}"`,
    );
    expect((await get(once)).body.client_id).toBe('demo-client');
    expect((await get(once)).body.error).toBe('invalid_nonce');
  });

  it('GET /api/users/me (class-level guard) answers bob', async () => {
    const url = `${demo.base}/api/users/me`;
    const res = await request(demo.server)
      .get('/api/users/me')
      .set('Authorization', sign({ url, who: BOB }).header);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { id: 2, name: 'bob' } });
  });

  it('accepts RSA-SHA256 from the RSA-only client', async () => {
    const url = `${demo.base}/api/me`;
    const res = await request(demo.server)
      .get('/api/me')
      .set('Authorization', sign({ url, who: RSA_ONLY, signatureMethod: 'RSA-SHA256' }).header);
    expect(res.status).toBe(200);
    expect(res.body.client_id).toBe('rsa-client');
  });

  it('POST /api/notes echoes a signed form field', async () => {
    const url = `${demo.base}/api/notes`;
    const form: [string, string][] = [['text', 'a + b = c & d']];
    const res = await request(demo.server)
      .post('/api/notes')
      .set('Authorization', sign({ method: 'POST', url, form }).header)
      .type('form')
      .send(formBody(form));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { id: 1, name: 'alice' }, text: 'a + b = c & d' });
  });

  it('POST /api/notes accepts JSON with a matching oauth_body_hash', async () => {
    const url = `${demo.base}/api/notes`;
    const body = JSON.stringify({ text: 'from json' });
    const res = await request(demo.server)
      .post('/api/notes')
      .set('Authorization', sign({ method: 'POST', url, body, bodyHash: true }).header)
      .set('Content-Type', 'application/json')
      .send(body);
    expect(res.status).toBe(200);
    expect(res.body.text).toBe('from json');
  });

  it('POST /api/notes refuses JSON without oauth_body_hash (400 missing_required_parameter)', async () => {
    const url = `${demo.base}/api/notes`;
    const body = JSON.stringify({ text: 'from json' });
    const res = await request(demo.server)
      .post('/api/notes')
      .set('Authorization', sign({ method: 'POST', url }).header)
      .set('Content-Type', 'application/json')
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('missing_required_parameter');
  });

  it('POST /api/notes refuses JSON whose body differs from its hash (401 invalid_signature)', async () => {
    const url = `${demo.base}/api/notes`;
    const res = await request(demo.server)
      .post('/api/notes')
      .set('Authorization', sign({ method: 'POST', url, body: '{"text":"signed"}', bodyHash: true }).header)
      .set('Content-Type', 'application/json')
      .send('{"text":"tampered"}');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_signature');
  });

  it('POST /api/notes validates the DTO after verification (400 for an empty text)', async () => {
    const url = `${demo.base}/api/notes`;
    const form: [string, string][] = [['text', '']];
    const res = await request(demo.server)
      .post('/api/notes')
      .set('Authorization', sign({ method: 'POST', url, form }).header)
      .type('form')
      .send(formBody(form));
    expect(res.status).toBe(400);
    expect(res.body.error).toBeUndefined();
  });

  it('GET /api/public needs no credentials', async () => {
    const res = await request(demo.server).get('/api/public');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });

  it("keeps alice on her own token: her key with bob's token is invalid_token", async () => {
    const url = `${demo.base}/api/me`;
    const res = await request(demo.server)
      .get('/api/me')
      .set(
        'Authorization',
        sign({ url, who: { ...ALICE, token: 'other-token', tokenSecret: 'other-token-secret' } }).header,
      );
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });
});
