/**
 * The helpers that start servers as child processes on a port picked for them: when another process takes
 * that port first, they start again on another port (and never mistake that process for their server).
 */
import IORedis from 'ioredis';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname } from 'node:path';
import { startListening, stopProcess } from './demo-process';
import { freePort, PORT_ATTEMPTS } from './ports';
import { describeWithRedis, RedisServer } from './redis-server';

/** A loopback port held by another server, which counts the connections it receives. */
async function takenPort(): Promise<{ port: number; connections: () => number; server: Server }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, connections: () => connections, server };
}

/** Hands out `taken` `times` times, then free ports. */
const takenFirst = (taken: number, times = 1) => {
  let calls = 0;
  const pick = () => (calls++ < times ? Promise.resolve(taken) : freePort());
  return Object.assign(pick, { calls: () => calls });
};

let taken: Awaited<ReturnType<typeof takenPort>>;
beforeEach(async () => {
  taken = await takenPort();
});
afterEach(() => new Promise((resolve) => taken.server.close(resolve)));

describeWithRedis('RedisServer', () => {
  const ping = async (url: string) => {
    const client = new IORedis(url, { maxRetriesPerRequest: 0 });
    try {
      return await client.ping();
    } finally {
      client.disconnect();
    }
  };

  it('starts on another port when the one picked is taken before redis-server binds it', async () => {
    const pick = takenFirst(taken.port);
    const redis = await RedisServer.start([], pick);
    try {
      expect(pick.calls()).toBe(2);
      expect(redis.port).not.toBe(taken.port);
      expect(await ping(redis.url)).toBe('PONG');
      expect(taken.connections()).toBe(0); // whoever holds the port was never taken for the server
    } finally {
      await redis.stop();
    }
  });

  it(`gives up, saying so, after ${PORT_ATTEMPTS} ports that were all taken`, async () => {
    const pick = takenFirst(taken.port, Infinity);
    await expect(RedisServer.start([], pick)).rejects.toThrow(`no free port in ${PORT_ATTEMPTS} attempts`);
    expect(pick.calls()).toBe(PORT_ATTEMPTS);
  });

  it('restarts at the same unix socket after a stop, and close() removes its directory', async () => {
    const redis = await RedisServer.startOnSocket();
    try {
      expect(await ping(redis.url)).toBe('PONG');
      await redis.stop();
      await redis.restart();
      expect(await ping(redis.url)).toBe('PONG');
    } finally {
      await redis.close();
    }
    expect(existsSync(dirname(redis.url))).toBe(false);
  });
});

describe('startListening (how the demo is started as a process)', () => {
  // A server like the demo: it listens on PORT, says so, and dies of EADDRINUSE when the port is taken.
  const script = [
    "const s = require('node:http').createServer((q, r) => r.end('ok'));",
    "s.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + process.env.PORT));",
  ].join('\n');
  const command = [process.execPath, '-e', script];

  it('starts the command again on another port when it exits with EADDRINUSE', async () => {
    const pick = takenFirst(taken.port);
    const running = await startListening(command, {}, { pickPort: pick });
    try {
      expect(pick.calls()).toBe(2);
      expect(running.base).not.toBe(`http://127.0.0.1:${taken.port}`);
      expect(await (await fetch(running.base)).text()).toBe('ok');
      expect(taken.connections()).toBe(0);
    } finally {
      await stopProcess(running);
    }
  });

  it(`gives up, saying so, after ${PORT_ATTEMPTS} ports that were all taken`, async () => {
    const pick = takenFirst(taken.port, Infinity);
    await expect(startListening(command, {}, { pickPort: pick })).rejects.toThrow(
      `no free port in ${PORT_ATTEMPTS} attempts`,
    );
    expect(pick.calls()).toBe(PORT_ATTEMPTS);
  });

  it('fails at once, with its output, when the command dies of anything else', async () => {
    const pick = takenFirst(taken.port, 0);
    await expect(
      startListening([process.execPath, '-e', "throw new Error('broken demo')"], {}, { pickPort: pick }),
    ).rejects.toThrow(/did not start:[\s\S]*broken demo/);
    expect(pick.calls()).toBe(1);
  });
});
