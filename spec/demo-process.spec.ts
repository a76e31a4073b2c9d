/**
 * The demo started exactly as the README says (`npm run demo`), as a separate process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sign } from './support/sign';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

interface Running {
  child: ChildProcess;
  base: string;
  output: () => string;
}

async function startDemoProcess(env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  const child = spawn('npm', ['run', 'demo'], {
    cwd: join(__dirname, '..'),
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so a signal reaches npm, its shell and the demo alike
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!out.includes(`listening on ${base}`)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`demo did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, base, output: () => out };
}

/** Signals the whole process group, as a terminal's Ctrl-C does, and waits until every process closed its output. */
async function stop(running: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (running.child.stdout?.closed) return;
  const closed = once(running.child, 'close');
  process.kill(-(running.child.pid as number), signal);
  await closed;
}

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
