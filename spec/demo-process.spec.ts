/**
 * The demo started exactly as the README says (`npm run demo`), as a separate process.
 */
import { startDemoProcess, stopProcess as stop, type Running } from './support/demo-process';
import { sign } from './support/sign';

describe('npm run demo', () => {
  let demo: Running;
  beforeAll(async () => {
    demo = await startDemoProcess({ OAUTH1_INSECURE_TRANSPORT: '', TRUST_PROXY: '' });
  }, 90_000);
  afterAll(() => stop(demo));

  it('prints that it runs in development transport mode', () => {
    expect(demo.output()).toMatch(/development transport mode: plain http is allowed/);
  });

  it('serves a signed GET /api/me with the seeded credentials', async () => {
    const url = `${demo.base}/api/me`;
    const res = await fetch(url, { headers: { Authorization: sign({ url }).header } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { id: 1, name: 'alice' }, client_id: 'demo-client' });
  });
});

describe('npm run demo with OAUTH1_INSECURE_TRANSPORT=0 and TRUST_PROXY=1', () => {
  let demo: Running;
  beforeAll(async () => {
    demo = await startDemoProcess({ OAUTH1_INSECURE_TRANSPORT: '0', TRUST_PROXY: '1' });
  }, 90_000);

  it('refuses plain http with 400 insecure_transport', async () => {
    const url = `${demo.base}/api/me`;
    const res = await fetch(url, { headers: { Authorization: sign({ url }).header } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('insecure_transport');
  });

  it('accepts a request that a trusted TLS proxy forwarded, signed for the public https URL', async () => {
    const res = await fetch(`${demo.base}/api/me`, {
      headers: {
        Authorization: sign({ url: 'https://api.example.com/api/me' }).header,
        'X-Forwarded-Proto': 'https',
        'X-Forwarded-Host': 'api.example.com',
      },
    });
    expect(res.status).toBe(200);
  });

  it('shuts down cleanly on SIGINT: it says so, and the port is closed', async () => {
    await stop(demo, 'SIGINT');
    expect(demo.output()).toMatch(/SIGINT: shutting down/);
    await expect(fetch(`${demo.base}/api/public`)).rejects.toThrow();
  });
});
