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

/** A server whose `/slow` answers after 100 ms and anything else at once. */
function slowAndFast(): Server {
  return createServer((req, res) => {
    if (req.url === '/slow') setTimeout(() => res.end('slow'), 100);
    else res.end('fast');
  });
}
const portOf = (server: Server) => (server.address() as AddressInfo).port;

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
    const answered = new Promise<{ connection?: string; body: string }>((resolve, reject) => {
      const req = request({
        port: portOf(server),
        host: '127.0.0.1',
        path: '/slow',
        headers: { connection: 'keep-alive' },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ connection: res.headers.connection, body }));
      });
      req.on('error', reject);
      req.end();
    });
    await sleep(30);
    const closed = new Promise<void>((resolve) => graceful.stop(resolve));
    expect(graceful.stopping).toBe(true);
    expect(await answered).toEqual({ connection: 'close', body: 'slow' });
    await closed;
    expect(graceful.open).toBe(0);
  });
});
