/**
 * The demo's graceful stop (demo/shutdown.ts) on a plain Node server, which Koa and Express both serve through: what a
 * response in progress says once stopping, and that no response is kept after its connection has gone.
 */
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gracefulServer } from '../demo/shutdown';
import { loopbackListen } from './support/listen';

const listen = loopbackListen();

/**
 * A server whose `/slow` answers after 100 ms, whose `/streamed` sends its head at once and ends 100 ms later, and
 * that answers anything else at once.
 */
function slowAndFast(): Server {
  return createServer((req, res) => {
    if (req.url === '/slow') setTimeout(() => res.end('slow'), 100);
    else if (req.url === '/streamed') {
      res.flushHeaders();
      setTimeout(() => res.end('streamed'), 100);
    } else res.end('fast');
  });
}
const portOf = (server: Server) => (server.address() as AddressInfo).port;

/** A GET on a keep-alive connection: its answer's `Connection` header and body. */
function keepAliveGet(server: Server, path: string): Promise<{ connection?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ port: portOf(server), host: '127.0.0.1', path, headers: { connection: 'keep-alive' } });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ connection: res.headers.connection, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe("the demo's graceful stop", () => {
  it('keeps no response of a connection that closed with a pipelined response still queued (Node 20 emits no close)', async () => {
    const server = await listen(slowAndFast());
    const graceful = gracefulServer(server);
    for (let i = 0; i < 5; i++) {
      const socket = connect(portOf(server), '127.0.0.1');
      await once(socket, 'connect');
      socket.write('GET /slow HTTP/1.1\r\nHost: a\r\n\r\nGET /fast HTTP/1.1\r\nHost: a\r\n\r\n');
      await sleep(20);
      socket.destroy();
    }
    await sleep(250);
    expect(graceful.open).toBe(0);
  });

  it('answers a request in progress with Connection: close, then closes its keep-alive connection and the server', async () => {
    const server = await listen(slowAndFast());
    const graceful = gracefulServer(server);
    const answered = keepAliveGet(server, '/slow');
    await sleep(30);
    const closed = new Promise<void>((resolve) => graceful.stop(resolve));
    expect(graceful.stopping).toBe(true);
    expect(await answered).toEqual({ connection: 'close', body: 'slow' });
    await closed;
    expect(graceful.open).toBe(0);
  });

  it('closes a keep-alive connection whose head went out before the stop once its response is done, not at its timeout', async () => {
    const server = await listen(slowAndFast());
    const graceful = gracefulServer(server);
    const answered = keepAliveGet(server, '/streamed');
    await sleep(30);
    const started = Date.now();
    const closed = new Promise<void>((resolve) => graceful.stop(resolve));
    expect(await answered).toEqual({ connection: 'keep-alive', body: 'streamed' });
    await closed;
    // Node's keep-alive timeout is 5 s: a connection left to it would hold the server that long.
    expect(Date.now() - started).toBeLessThan(1000);
    expect(graceful.open).toBe(0);
  });
});
