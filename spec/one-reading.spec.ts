/**
 * Issue "the handler acts only on what was verified", on the demo: Host and request-target refusals, JSON
 * bodies a DTO cannot take, unsigned bodies, leaks, and the two interop rules (PLAINTEXT without timestamp
 * and nonce, a SHA-1 body hash on SHA-256/512 methods).
 */
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import request from 'supertest';
import { startDemo } from './support/demo';
import { ALICE, BOB, formBody, sign } from './support/sign';

type Demo = Awaited<ReturnType<typeof startDemo>>;
let demo: Demo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(() => demo.stop());

/** Sends raw bytes and answers the status line and body (Host and target exactly as written). */
function raw(text: string): Promise<{ status: number; head: string; body: string }> {
  const { port } = demo.server.address() as { port: number };
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), head, body });
    });
  });
}

/** A GET of `target` with a header signed for `signedUrl`, Host as given. */
const signedGet = (target: string, host: string, signedUrl = `http://${host}${target}`) =>
  raw(
    `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${sign({ url: signedUrl }).header}\r\n` +
      'Connection: close\r\n\r\n',
  );

const expectOAuthError = (res: { status: number; body: string }, status: number, error: string) => {
  expect({ status: res.status, error: (JSON.parse(res.body) as { error: string }).error }).toEqual({ status, error });
};

describe('the Host the base string is built from', () => {
  it('is the Host as sent when it is a valid authority', async () => {
    const host = `127.0.0.1:${(demo.server.address() as { port: number }).port}`;
    expect((await signedGet('/api/me', host)).status).toBe(200);
  });

  it.each([
    ['a comma-separated list', (h: string) => `${h}, evil.example`],
    ['userinfo', (h: string) => `user@${h}`],
    ['a path', (h: string) => `${h}/x`],
    ['a shortened IPv4 address', (h: string) => h.replace('127.0.0.1', '127.1')],
    ['an empty port', () => '127.0.0.1:'],
  ])('refuses %s with 400 invalid_request, whatever was signed', async (_case, spoil) => {
    const host = spoil(`127.0.0.1:${(demo.server.address() as { port: number }).port}`);
    const res = await signedGet('/api/me', host, `${demo.base}/api/me`);
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.head).toMatch(/x-content-type-options: nosniff/i);
  });
});

describe('the request target', () => {
  it.each(['#', '"', '<', '>'])('refuses a raw %j in the query, which readers disagree on', async (char) => {
    const host = `127.0.0.1:${(demo.server.address() as { port: number }).port}`;
    const target = `/api/me?q=a${char}b`;
    expectOAuthError(await signedGet(target, host), 400, 'invalid_request');
  });
});

describe('JSON bodies', () => {
  const postJson = (body: string) => {
    const url = `${demo.base}/api/notes`;
    const signed = sign({ method: 'POST', url, body, bodyHash: true });
    return request(demo.server)
      .post('/api/notes')
      .set('Authorization', signed.header)
      .set('Content-Type', 'application/json')
      .send(body);
  };

  it('hands the DTO the object that was hashed', async () => {
    const res = await postJson('{"text":"hello"}');
    expect(res.status).toBe(200);
    expect(res.body.text).toBe('hello');
  });

  it.each(['null', '1', 'true', '[]', '"text"', '[{"text":"x"}]'])(
    'refuses a signed, correctly hashed %s where the action takes a DTO: 400, not a 500 or a skipped validation',
    async (body) => {
      const res = await postJson(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The JSON body must be an object.' });
    },
  );

  it('refuses a JSON body that no oauth_body_hash covers, on the three-legged and the two-legged route', async () => {
    const body = JSON.stringify({ text: 'unsigned' });
    const notes = await request(demo.server)
      .post('/api/notes')
      .set('Authorization', sign({ method: 'POST', url: `${demo.base}/api/notes` }).header)
      .set('Content-Type', 'application/json')
      .send(body);
    expect(notes.status).toBe(400);
    expect(notes.body.error).toBe('missing_required_parameter');
    const lti = { consumerKey: 'lti-consumer', consumerSecret: 'lti-consumer-secret', token: '' };
    const launch = sign({
      method: 'POST',
      url: `${demo.base}/lti/launch`,
      who: lti,
      oauth: { oauth_token: undefined },
    });
    const res = await request(demo.server)
      .post('/lti/launch')
      .set('Authorization', launch.header)
      .set('Content-Type', 'application/json')
      .send(
        JSON.stringify({ lti_message_type: 'basic-lti-launch-request', lti_version: 'LTI-1p0', resource_link_id: 'x' }),
      );
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('missing_required_parameter');
    expect(res.headers['www-authenticate']).toBeUndefined();
  });
});

describe('no leaks', () => {
  it('a validation error of a guarded action carries no stack, no file path, no value sent', async () => {
    const form: [string, string][] = [['text', '']];
    const url = `${demo.base}/api/notes`;
    const res = await request(demo.server)
      .post('/api/notes')
      .set('Authorization', sign({ method: 'POST', url, form }).header)
      .type('form')
      .send(formBody(form));
    expect(res.status).toBe(400);
    expect(res.text).not.toMatch(/stack|node_modules|\/work\/|\.ts:\d|\bat \w/);
    expect(res.body.errors[0]).not.toHaveProperty('value');
    expect(res.body.errors[0]).not.toHaveProperty('target');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('a description never repeats a parameter name the client chose', async () => {
    const res = await request(demo.server).get('/api/me?oauth_x%3Cscript%3E=1&oauth_x%3Cscript%3E=2');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'duplicated_oauth_protocol_parameter',
      error_description: 'An oauth_ parameter is repeated.',
    });
  });
});

describe('interop', () => {
  // The library's default accepts PLAINTEXT without them (RFC 5849 §3.1; spec/protector/settings.spec.ts); the demo
  // requires them, as the error contract does.
  it('the demo refuses PLAINTEXT without oauth_timestamp and oauth_nonce, which would have no nonce to record', async () => {
    const url = `${demo.base}/api/me`;
    const signed = sign({
      url,
      signatureMethod: 'PLAINTEXT',
      oauth: { oauth_timestamp: undefined, oauth_nonce: undefined },
    });
    const res = await request(demo.server).get('/api/me').set('Authorization', signed.header);
    expect({ status: res.status, error: res.body.error }).toEqual({ status: 400, error: 'missing_required_parameter' });
  });

  it('still requires both for the other methods', async () => {
    const signed = sign({ url: `${demo.base}/api/me`, oauth: { oauth_timestamp: undefined } });
    const res = await request(demo.server).get('/api/me').set('Authorization', signed.header);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('missing_required_parameter');
  });

  it.each([
    ['HMAC-SHA256', 'sha1', 200],
    ['HMAC-SHA256', 'sha256', 200],
    ['HMAC-SHA512', 'sha1', 200],
    ['HMAC-SHA512', 'sha512', 200],
    ['HMAC-SHA256', 'sha512', 401],
    ['HMAC-SHA1', 'sha256', 401],
  ])('%s with a %s oauth_body_hash answers %d', async (signatureMethod, digest, status) => {
    const body = '{"text":"hashed"}';
    const url = `${demo.base}/api/notes`;
    const bodyHash = createHash(digest).update(body).digest('base64');
    const signed = sign({ method: 'POST', url, who: BOB, signatureMethod, oauth: { oauth_body_hash: bodyHash } });
    const res = await request(demo.server)
      .post('/api/notes')
      .set('Authorization', signed.header)
      .set('Content-Type', 'application/json')
      .send(body);
    expect(res.status).toBe(status);
    if (status === 401) expect(res.body.error).toBe('invalid_signature');
  });
});

describe('what the action reads', () => {
  it('is the verified form, even where a lenient decoder would read it otherwise', async () => {
    const form: [string, string][] = [['text', '?x']];
    const url = `${demo.base}/api/notes`;
    const res = await request(demo.server)
      .post('/api/notes')
      .set('Authorization', sign({ method: 'POST', url, form, who: ALICE }).header)
      .type('form')
      .send('text=%3Fx');
    expect(res.status).toBe(200);
    expect(res.body.text).toBe('?x');
  });

  it("accepts extension parameters in the header (OpenSocial, scribejava's scope), signed, and out of the query", async () => {
    const url = `${demo.base}/api/me`;
    const base = sign({ url, oauth: { opensocial_owner_id: 'o1', scope: 'read write', x_oauth_extra: 'x' } });
    const res = await request(demo.server).get('/api/me').set('Authorization', base.header);
    expect(res.status).toBe(200);
    // Tampered, it does not verify: they are signed.
    const forged = base.header.replace('opensocial_owner_id="o1"', 'opensocial_owner_id="o2"');
    expect((await request(demo.server).get('/api/me').set('Authorization', forged)).status).toBe(401);
  });
});
