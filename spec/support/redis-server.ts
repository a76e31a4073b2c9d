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

const isFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
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
  private constructor(
    readonly port: number,
    private readonly extraArgs: string[],
  ) {}

  static async start(extraArgs: string[] = []): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), extraArgs);
    await server.restart();
    return server;
  }

  /**
   * Three masters forming a Redis Cluster (each node's bus port is its port + 10000, which must be free
   * too). The cluster answers on any node once every slot is served.
   */
  static async startCluster(dir: string): Promise<RedisServer[]> {
    const nodes: RedisServer[] = [];
    while (nodes.length < 3) {
      const port = await freePort();
      if (port > 55_000 || !(await isFree(port + 10_000))) continue;
      const node = new RedisServer(port, [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `${dir}/nodes-${port}.conf`,
        '--dir',
        dir,
      ]);
      await node.restart();
      nodes.push(node);
    }
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const info = spawnSync('redis-cli', ['-p', String(nodes[0].port), 'cluster', 'info'], { encoding: 'utf8' });
      if (info.stdout.includes('cluster_state:ok')) return nodes;
      if (Date.now() > deadline) throw new Error(`the cluster did not become ready: ${info.stdout}`);
      await new Promise((r) => setTimeout(r, 100));
    }
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
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.extraArgs],
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
