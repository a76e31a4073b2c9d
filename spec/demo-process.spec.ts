/**
 * The demo started exactly as the README says (`npm run demo`), as a separate process.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { demoConfigFromEnv } from '../demo/app';
import { startDemoProcess, stopProcess as stop, type Running } from './support/demo-process';
import { sign } from './support/sign';

const ROOT = join(__dirname, '..');

/** The README's shell commands under a heading: each command (continuation lines joined), comments dropped. */
function readmeCommands(heading: string): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const commands: string[] = [];
  for (const block of section.slice(0, section.indexOf('\n## ', 1)).split('```sh\n').slice(1)) {
    const lines = block
      .slice(0, block.indexOf('```'))
      .split('\n')
      .filter((line) => !line.startsWith('#'));
    commands.push(
      ...lines
        .join('\n')
        .split(/\n(?=\S)/)
        .map((c) => c.trim())
        .filter(Boolean),
    );
  }
  return commands;
}

describe('npm run demo', () => {
  let demo: Running;
  beforeAll(async () => {
    demo = await startDemoProcess({ OAUTH1_INSECURE_TRANSPORT: '', TRUST_PROXY: '' });
  }, 90_000);
  afterAll(() => stop(demo));

  it('runs the demo compiled to JavaScript in .demo-build/, not through a TypeScript loader', () => {
    const compiled = join(ROOT, '.demo-build', 'demo', 'main.js');
    expect(statSync(compiled).mtimeMs).toBeGreaterThanOrEqual(statSync(join(ROOT, 'demo', 'main.ts')).mtimeMs);
    expect(readFileSync(join(ROOT, 'package.json'), 'utf8')).toMatch(/"demo": "exec node demo\/start\.mjs"/);
  });

  it('prints that it runs in development transport mode', () => {
    expect(demo.output()).toMatch(/development transport mode: plain http is allowed/);
  });

  it("answers the README's `npm run sign` and `npm run explain` commands as the README shows", async () => {
    const commands = readmeCommands('## Signing by hand').map((c) => c.replaceAll('http://127.0.0.1:3000', demo.base));
    expect(commands).toHaveLength(3);
    const sh = (command: string) => promisify(execFile)('sh', ['-c', command], { cwd: ROOT, timeout: 60_000 });
    const [curl, note, explained] = await Promise.all(commands.map(sh));
    expect(curl.stdout).toMatch(
      /^curl -q --globoff --silent --show-error \\\n {2}-H 'Authorization: OAuth oauth_consumer_key="demo-client"/,
    );
    expect(JSON.parse((await sh(curl.stdout)).stdout)).toEqual({
      user: { id: 1, name: 'alice' },
      client_id: 'demo-client',
    });
    expect(JSON.parse(note.stdout)).toEqual({ user: { id: 1, name: 'alice' }, text: 'hello' });
    expect(explained.stdout).toMatch(/^method: {6}GET\nuri: {9}http:\/\/127\.0\.0\.1:\d+\/api\/me\nparameters:\n/);
    expect(explained.stdout).toMatch(/^ {2}page=2$/m);
    expect(explained.stdout).toMatch(/^base string: GET&http%3A%2F%2F127\.0\.0\.1%3A\d+%2Fapi%2Fme&/m);
  }, 90_000);

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

describe('npm run demo stopped as a supervisor stops it', () => {
  it('shuts down on a SIGTERM to npm alone (the process started), not only to its process group', async () => {
    const demo = await startDemoProcess();
    try {
      // npm, its shell and the demo share the child's output: it closes once none of them is left.
      const closed = once(demo.child, 'close').then(() => true);
      process.kill(demo.child.pid as number, 'SIGTERM'); // npm: its shell must not be left between it and the demo
      const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000).unref());
      expect(await Promise.race([closed, timeout])).toBe(true);
      expect(demo.output()).toMatch(/SIGTERM: shutting down/);
      await expect(fetch(`${demo.base}/api/public`)).rejects.toThrow();
    } finally {
      await stop(demo, 'SIGKILL');
    }
  }, 30_000);
});

describe('npm run demo stopped with a keep-alive request in flight', () => {
  it('answers it with Connection: close and exits at once, so that no next request is accepted and then lost', async () => {
    const demo = await startDemoProcess();
    try {
      const { port } = new URL(demo.base);
      const signed = sign({ method: 'POST', url: `${demo.base}/api/notes`, form: [['text', 'x']] });
      const socket = connect(Number(port), '127.0.0.1');
      let answer = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
      const socketClosed = once(socket, 'close');
      await once(socket, 'connect');
      // A keep-alive request whose body is still coming when the signal arrives.
      socket.write(
        `POST /api/notes HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${signed.header}\r\n` +
          'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 6\r\n\r\ntext',
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const signalled = Date.now();
      const closed = once(demo.child, 'close');
      process.kill(-(demo.child.pid as number), 'SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 200));
      socket.write('=x');
      await socketClosed;
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(answer).toMatch(/\r\nConnection: close\r\n/i);
      await closed;
      // The connection closed by the demo, not by its 5 s timer (which also cut the connection's next request).
      expect(Date.now() - signalled).toBeLessThan(3000);
      expect(demo.output()).not.toMatch(/not closed after 5 s/);
    } finally {
      await stop(demo, 'SIGKILL');
    }
  }, 30_000);
});

describe('npm run demo that cannot start', () => {
  it.each([
    ['a PORT that is no port', { PORT: 'abc' }, /PORT must be a port number/],
    ['an unknown DEMO_DRIVER', { DEMO_DRIVER: 'hapi' }, /DEMO_DRIVER must be koa or express/],
    ['a REDIS_URL that is not a Redis URL', { REDIS_URL: 'http://127.0.0.1:6379' }, /REDIS_URL must be a redis:\/\//],
  ])('says why in one line, without a stack trace: %s', async (_case, env, why) => {
    const failed = await promisify(execFile)('node', ['demo/start.mjs'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(why);
    expect(failed.stderr).toMatch(/^cannot start the demo: /);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("the demo's REDIS_URL", () => {
  it('is a redis:// or rediss:// URL with a host, or a socket path; none when unset; else a start-up error', () => {
    const ok = [
      'redis://127.0.0.1:6379',
      'rediss://:secret@cache.example:6380/2',
      'redis://localhost',
      '/run/redis.sock',
    ];
    expect(ok.map((REDIS_URL) => demoConfigFromEnv({ REDIS_URL }).redisUrl)).toEqual(ok);
    expect([undefined, ''].map((REDIS_URL) => demoConfigFromEnv({ REDIS_URL }).redisUrl)).toEqual([
      undefined,
      undefined,
    ]);
    for (const REDIS_URL of [
      'notaurl',
      '127.0.0.1:6379',
      'http://127.0.0.1:6379',
      'redis:/127.0.0.1',
      'redis://',
      '//notaurl',
    ])
      expect(() => demoConfigFromEnv({ REDIS_URL })).toThrow(/^REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    // The message does not repeat the value, which may hold a password.
    expect(() => demoConfigFromEnv({ REDIS_URL: 'http://:hunter2@host' })).toThrow(/^(?!.*hunter2)/);
  });
});

describe("the demo's PORT, as ${PORT:-3000}", () => {
  it('is 3000 when unset or empty, 0 for a port the system picks, and a start-up error when not a port', () => {
    expect([undefined, '', '0', '8080'].map((PORT) => demoConfigFromEnv({ PORT }).port)).toEqual([3000, 3000, 0, 8080]);
    for (const PORT of ['x', '-1', '65536', '80.5']) expect(() => demoConfigFromEnv({ PORT })).toThrow(/PORT/);
  });
});
