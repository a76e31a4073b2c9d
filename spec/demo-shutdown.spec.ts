/**
 * The demo's graceful stop (demo/shutdown.ts) on a plain Node server, which Koa and Express both serve through: what a
 * response in progress says once stopping, and that no response is kept after its connection has gone.
 */
import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gracefulServer } from '../demo/shutdown';
import { loopbackListen } from './support/listen';
import { TEST_CERT, TEST_KEY } from './support/tls-fixture';

const listen = loopbackListen();

/** More than the loopback's socket buffers take: a client that does not read leaves most of it in the server. */
const LARGE = Buffer.alloc(16 * 1024 * 1024, 'x');

/**
 * A server whose `/large` ends at once with a body larger than the socket's buffers, whose `/slow` answers after
 * 100 ms, whose `/streamed` sends its head at once and ends 100 ms later, and that answers anything else at once.
 */
function slowAndFast(): Server {
  return createServer((req, res) => {
    if (req.url === '/slow') setTimeout(() => res.end('slow'), 100);
    else if (req.url === '/quicker') setTimeout(() => res.end('quicker'), 30);
    else if (req.url === '/own-keep-alive')
      setTimeout(() => res.writeHead(200, { Connection: 'keep-alive' }).end('own'), 100);
    else if (req.url === '/large') res.end(LARGE);
    else if (req.url === '/streamed') {
      res.flushHeaders();
      setTimeout(() => res.end('streamed'), 100);
    } else res.end('fast');
  });
}
const portOf = (server: Server) => (server.address() as AddressInfo).port;

/** A raw connection's received text, once the server has closed it (or after `ms`). */
async function readUntilClosed(socket: Socket, ms = 2000): Promise<{ text: string; closed: boolean }> {
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const closed = await Promise.race([once(socket, 'close').then(() => true), timedOut]);
  clearTimeout(timer);
  return { text, closed };
}
/** A TLS connection to `server`, its handshake done (the fixture's certificate is self-signed). */
async function tlsOpen(server: Server): Promise<Socket> {
  const socket = tlsConnect({ port: portOf(server), host: '127.0.0.1', rejectUnauthorized: false });
  await once(socket, 'secureConnect');
  return socket;
}
const bodies = (text: string) => text.match(/\r\n\r\n(slow|quicker|fast)/g)?.map((b) => b.slice(4)) ?? [];

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

/**
 * Resolves once `server` has taken `count` more requests. A spec waits on it rather than a sleep before the stop: a
 * request still in the kernel's buffer then is one the server has not read, whose connection the stop closes at once.
 */
function taken(server: Server, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const onRequest = () => {
      if (++seen < count) return;
      server.off('request', onRequest);
      resolve();
    };
    server.on('request', onRequest);
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
    const arrived = taken(server, 1);
    const answered = keepAliveGet(server, '/slow');
    await arrived;
    const closed = new Promise<void>((resolve) => graceful.stop(resolve));
    expect(graceful.stopping).toBe(true);
    expect(await answered).toEqual({ connection: 'close', body: 'slow' });
    await closed;
    expect(graceful.open).toBe(0);
  });

  it.each([
    // Read and answered by the app (a nonce recorded, in the demo): it must get its answer.
    ['behind the response in progress', ['/slow'], 10, ['slow', 'fast']],
    // After 40 ms /quicker has ended, its head built, still queued behind /slow.
    ['behind a queued response that ended before it came', ['/slow', '/quicker'], 40, ['slow', 'quicker', 'fast']],
  ])('answers a request pipelined after the stop %s, then closes the connection', async (_, before, wait, answers) => {
    const server = await listen(slowAndFast());
    const graceful = gracefulServer(server);
    const socket = connect(portOf(server), '127.0.0.1');
    await once(socket, 'connect');
    const arrived = taken(server, before.length);
    socket.write(before.map((path) => `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`).join(''));
    const read = readUntilClosed(socket);
    await arrived;
    await sleep(20);
    const closed = new Promise<void>((resolve) => graceful.stop(resolve));
    await sleep(wait);
    socket.write('GET /fast HTTP/1.1\r\nHost: a\r\n\r\n');
    const { text, closed: socketClosed } = await read;
    expect(bodies(text)).toEqual(answers);
    expect(socketClosed).toBe(true);
    await closed;
  });

  it('closes a connection that has sent nothing yet at once, not at its headers timeout (a browser preconnect)', async () => {
    const server = await listen(slowAndFast());
    const graceful = gracefulServer(server);
    const socket = connect(portOf(server), '127.0.0.1');
    await once(socket, 'connect');
    const read = readUntilClosed(socket, 1000);
    await sleep(20);
    const closed = new Promise<void>((resolve) => graceful.stop(resolve));
    expect((await read).closed).toBe(true);
    await closed;
  });

  it('closes an https connection that has sent nothing yet at once, and waits for one sending its request', async () => {
    const server = await listen(createHttpsServer({ key: TEST_KEY, cert: TEST_CERT }, (_req, res) => res.end('fast')));
    const graceful = gracefulServer(server);
    const accepted: Socket[] = [];
    server.on('secureConnection', (socket: Socket) => accepted.push(socket));
    const [empty, sending] = [await tlsOpen(server), await tlsOpen(server)];
    sending.write('GET / HTTP/1.1\r\nHo');
    const [readEmpty, readSending] = [readUntilClosed(empty, 1000), readUntilClosed(sending, 1000)];
    // Until the server has read the request's first bytes, the stop would count it as a connection that sent nothing.
    while (!accepted.some((socket) => socket.bytesRead > 0)) await sleep(5);
    const closed = new Promise<void>((resolve) => graceful.stop(resolve));
    expect((await readEmpty).closed).toBe(true);
    sending.write('st: a\r\n\r\n');
    const { text, closed: sendingClosed } = await readSending;
    expect(bodies(text)).toEqual(['fast']);
    expect(sendingClosed).toBe(true);
    await closed;
  });

  it('keeps no response of an https connection that closed mid-response (its requests come on the TLS socket)', async () => {
    // The head goes out, the body never ends: the response stays unfinished after its client has gone.
    const server = await listen(
      createHttpsServer({ key: TEST_KEY, cert: TEST_CERT }, (_req, res) => res.flushHeaders()),
    );
    const graceful = gracefulServer(server);
    for (let i = 0; i < 5; i++) {
      const socket = await tlsOpen(server);
      socket.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      await once(socket, 'data');
      socket.destroy();
      await once(socket, 'close');
    }
    await sleep(100);
    expect(graceful.open).toBe(0);
  });

  it.each([
    ['on a keep-alive connection', 'keep-alive', [], [], false],
    ['on a connection it closes', 'close', [], [], false],
    // /slow has not ended at the stop: only the connection's buffer says the response before it is still going out.
    ['with a request pipelined behind it', 'keep-alive', ['/slow'], ['slow'], false],
    // The other connection's answer, sent while this one is still going out, closes what is idle then.
    ['while another connection is answered', 'keep-alive', [], [], true],
  ])(
    'sends the whole of a response that has ended but is still going out to a slow reader %s',
    async (_, connection, behind, answers, alongside) => {
      const server = await listen(slowAndFast());
      const graceful = gracefulServer(server);
      const socket = connect(portOf(server), '127.0.0.1');
      await once(socket, 'connect');
      // The client reads nothing until after the stop: the server has ended the response and holds most of it.
      socket.pause();
      const requests = ['/large', ...behind].map((path) => `GET ${path} HTTP/1.1\r\nHost: a\r\n`);
      const largeTaken = taken(server, 1);
      socket.write(requests.map((head) => `${head}Connection: ${connection}\r\n\r\n`).join(''));
      await largeTaken;
      await sleep(50);
      const otherTaken = alongside ? taken(server, 1) : undefined;
      const other = alongside ? keepAliveGet(server, '/slow') : undefined;
      await otherTaken;
      const closed = new Promise<void>((resolve) => graceful.stop(resolve));
      await sleep(50);
      // What connects meanwhile is closed unanswered: the server takes no request once stopping.
      const late = connect(portOf(server), '127.0.0.1');
      late.write('GET /fast HTTP/1.1\r\nHost: a\r\n\r\n');
      const lateRead = readUntilClosed(late, 1000);
      await sleep(100);
      let received = 0;
      let tail = '';
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
        tail = (tail + chunk.toString('latin1')).slice(-200);
      });
      socket.resume();
      await once(socket, 'close');
      expect(received).toBeGreaterThan(LARGE.length);
      expect(received).toBeLessThan(LARGE.length + 500);
      expect(bodies(tail)).toEqual(answers);
      await closed;
      expect(graceful.open).toBe(0);
      expect(await lateRead).toEqual({ text: '', closed: true });
      if (other) expect(await other).toEqual({ connection: 'close', body: 'slow' });
    },
  );

  it('waits for a slow reader once, however many other answers finish meanwhile (not a listener each)', async () => {
    const server = await listen(slowAndFast());
    const graceful = gracefulServer(server);
    let large: ServerResponse | undefined;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (req.url === '/large') large = res;
    });
    const socket = connect(portOf(server), '127.0.0.1');
    await once(socket, 'connect');
    socket.pause();
    const arrived = taken(server, 1);
    socket.write('GET /large HTTP/1.1\r\nHost: a\r\n\r\n');
    await arrived;
    const listening = large?.listenerCount('close') ?? NaN;
    // Each has sent its request by the stop (a connection that has sent nothing is closed at once).
    const othersTaken = taken(server, 15);
    const others = Array.from({ length: 15 }, () => keepAliveGet(server, '/slow'));
    await othersTaken;
    const closed = new Promise<void>((resolve) => graceful.stop(resolve));
    expect(await Promise.all(others)).toEqual(others.map(() => ({ connection: 'close', body: 'slow' })));
    await sleep(20);
    // Node warns of a leak from the eleventh listener of one event: one wait for the stop, one for idle connections.
    expect((large?.listenerCount('close') ?? NaN) - listening).toBeLessThanOrEqual(3);
    socket.resume();
    await closed;
  });

  it.each([
    ['whose head went out before the stop', '/streamed', 'streamed'],
    ['whose application sets its own Connection header after the stop', '/own-keep-alive', 'own'],
  ])('closes a keep-alive connection %s once its answer is sent, not at its timeout', async (_, path, body) => {
    const server = await listen(slowAndFast());
    const graceful = gracefulServer(server);
    const arrived = taken(server, 1);
    const answered = keepAliveGet(server, path);
    await arrived;
    const started = Date.now();
    const closed = new Promise<void>((resolve) => graceful.stop(resolve));
    expect(await answered).toEqual({ connection: 'keep-alive', body });
    await closed;
    // Node's keep-alive timeout is 5 s: a connection left to it would hold the server that long.
    expect(Date.now() - started).toBeLessThan(1000);
    expect(graceful.open).toBe(0);
  });
});
