/**
 * A private redis-server for the tests, on a free loopback port. Outside CI, a machine without
 * redis-server skips the Redis tests (with a note); under CI (CI=true) it fails them instead.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, Socket } from 'node:net';

export const redisServerPath = (): string | undefined => {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  return found || undefined;
};

/** `describe` when redis-server exists or CI demands it (then a missing server fails), else `describe.skip`. */
export const describeWithRedis: jest.Describe = (() => {
  if (redisServerPath() || process.env.CI) return describe;
  console.warn('redis-server is not installed: skipping the Redis tests (CI=true fails them instead)');
  return describe.skip;
})();

export const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });

export class RedisServer {
  private process?: ChildProcess;
  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port. */
  async restart(): Promise<void> {
    const binary = redisServerPath();
    if (!binary) throw new Error('redis-server is required for these tests (apt-get install -y redis-server)');
    this.process = spawn(
      binary,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(this.port))) {
      if (this.process.exitCode !== null || Date.now() > deadline) throw new Error('redis-server did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}
