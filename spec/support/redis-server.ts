/**
 * A private redis-server for the tests, on a loopback port (or a unix socket). Outside CI, a machine without
 * redis-server skips the Redis tests (with a note); under CI (CI=true) it fails them instead.
 *
 * redis-server cannot pick a free port itself, so one is picked for it; when another process takes that port
 * first, redis-server exits with "Address already in use" and the start is tried again on another port. A
 * server is ready when it says so in its own log, never when something answers on its port (which could be
 * whoever took it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printNotice } from './console';
import { freePort, isFree, PORT_ATTEMPTS, type PortPicker } from './ports';

export const redisServerPath = (): string | undefined => {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  return found || undefined;
};

/** `describe` when redis-server exists or CI demands it (then a missing server fails), else `describe.skip`. */
export const describeWithRedis: jest.Describe = (() => {
  if (redisServerPath() || process.env.CI) return describe;
  printNotice('redis-server is not installed: skipping the Redis tests (CI=true fails them instead)');
  return describe.skip;
})();

/** Where a server listens: a loopback TCP port, or a unix socket (which no other process can take). */
type Address = { port: number } | { socket: string };

/** How a launch ended: the server is ready, or its address was taken. */
type Launch = 'ready' | 'address in use';

const START_TIMEOUT_MS = 10_000;

export class RedisServer {
  private process?: ChildProcess;
  private constructor(
    private readonly address: Address,
    private readonly extraArgs: string[],
  ) {}

  /** A server on a loopback port, tried again on another port when the one picked is taken meanwhile. */
  static async start(extraArgs: string[] = [], pickPort: PortPicker = freePort): Promise<RedisServer> {
    for (let attempt = 1; ; attempt++) {
      const server = new RedisServer({ port: await pickPort() }, extraArgs);
      if ((await server.launch()) === 'ready') return server;
      if (attempt === PORT_ATTEMPTS) throw new Error(`redis-server found no free port in ${attempt} attempts`);
    }
  }

  /**
   * A server on a unix socket in a private directory, for tests that stop and restart it: a TCP port could
   * be taken while it is down, its socket cannot. Call `close()` when done, to remove the directory.
   */
  static async startOnSocket(): Promise<RedisServer> {
    const server = new RedisServer({ socket: join(mkdtempSync(join(tmpdir(), 'redis-')), 'redis.sock') }, []);
    await server.restart();
    return server;
  }

  /**
   * Three masters forming a Redis Cluster (each node's bus port is its port + 10000, which must be free
   * too). The cluster answers on any node once every slot is served.
   */
  static async startCluster(dir: string): Promise<RedisServer[]> {
    const nodes: RedisServer[] = [];
    for (let attempt = 1; nodes.length < 3; attempt++) {
      if (attempt > 20) throw new Error('redis-server found no free port pair (port and bus port) in 20 attempts');
      const port = await freePort();
      if (port > 55_000 || !(await isFree(port + 10_000))) continue;
      const node = new RedisServer({ port }, [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `${dir}/nodes-${port}.conf`,
        '--dir',
        dir,
      ]);
      if ((await node.launch()) === 'ready') nodes.push(node);
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

  /** The TCP port (a server on a unix socket has none). */
  get port(): number {
    if (!('port' in this.address)) throw new Error(`this redis-server listens on ${this.address.socket}, not a port`);
    return this.address.port;
  }

  /** What ioredis (and REDIS_URL) take: a redis:// URL, or the socket's path. */
  get url(): string {
    return 'port' in this.address ? `redis://127.0.0.1:${this.address.port}` : this.address.socket;
  }

  /** Starts (again) at the same address; fails if another process took its port while it was down. */
  async restart(): Promise<void> {
    if ((await this.launch()) !== 'ready') {
      throw new Error(`redis-server cannot start again: another process took ${this.url}`);
    }
  }

  /** Freezes it (SIGSTOP): connections stay open and nothing is answered, as with a stalled host; `resume` thaws it. */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  resume(): void {
    this.process?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    this.resume(); // a frozen process takes SIGKILL too, but thawed it leaves no stopped child behind
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops it for good, and removes the directory of its socket. */
  async close(): Promise<void> {
    await this.stop();
    if ('socket' in this.address) rmSync(join(this.address.socket, '..'), { recursive: true, force: true });
  }

  /** Runs redis-server at this address until it says it is ready, or exits because the address is taken. */
  private launch(): Promise<Launch> {
    const binary = redisServerPath();
    if (!binary) throw new Error('redis-server is required for these tests (apt-get install -y redis-server)');
    const listen =
      'port' in this.address
        ? ['--port', String(this.address.port), '--bind', '127.0.0.1']
        : ['--port', '0', '--unixsocket', this.address.socket, '--unixsocketperm', '700'];
    const child = spawn(binary, [...listen, '--save', '', '--appendonly', 'no', ...this.extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    let log = '';
    const collect = (chunk: Buffer) => {
      if (log.length < 64 * 1024) log += chunk.toString();
    };
    // Read for as long as it runs (a full pipe would stall it); kept only up to 64 KiB.
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    return new Promise<Launch>((resolve, reject) => {
      const settle = (outcome: () => void) => {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.off('close', onClose);
        child.off('error', onError);
        outcome();
      };
      // "Ready to accept connections" (tcp or unix), or 7.0's "The server is now ready to accept connections at".
      const onData = () => /ready to accept connections/i.test(log) && settle(() => resolve('ready'));
      const onClose = () =>
        settle(() =>
          /Address already in use/i.test(log)
            ? resolve('address in use')
            : reject(new Error(`redis-server exited at start (${child.exitCode ?? child.signalCode}):\n${log}`)),
        );
      const onError = (error: Error) => settle(() => reject(error));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        settle(() => reject(new Error(`redis-server was not ready within ${START_TIMEOUT_MS} ms:\n${log}`)));
      }, START_TIMEOUT_MS);
      child.stdout.on('data', onData);
      child.once('close', onClose);
      child.once('error', onError);
    });
  }
}
