/**
 * `npm run demo`: the demo API on 127.0.0.1:${PORT:-3000}.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createDemoApp, demoConfigFromEnv, type DemoApp, type DemoConfig } from './app';

/** A start-up failure is a line saying what to change, not a stack trace. */
function fail(message: string): never {
  console.error(`cannot start the demo: ${message}`);
  process.exit(1);
}

let config: DemoConfig;
let demo: DemoApp;
try {
  config = demoConfigFromEnv();
  demo = createDemoApp(config);
} catch (error) {
  fail((error as Error).message);
}
const { app, close, nonceStore, driver } = demo;
console.log(
  config.insecureTransport
    ? 'development transport mode: plain http is allowed (OAUTH1_INSECURE_TRANSPORT=0 requires https)'
    : 'https required: plain http requests get 400 insecure_transport',
);
console.log(`routing-controllers ${driver} driver; nonces kept in ${nonceStore}`);
if (config.trustProxy) console.log('trusting X-Forwarded-Proto and X-Forwarded-Host (TRUST_PROXY=1)');

const server = app.listen(config.port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
server.on('error', (error: NodeJS.ErrnoException) => fail(`127.0.0.1:${config.port}: ${error.code ?? error.message}`));

let stopping = false;
/**
 * The responses not yet finished. Once stopping, each says `Connection: close` (an open keep-alive connection would
 * otherwise stay for its client's next request, which the demo would accept, record the nonce of and then lose when the
 * process exits: the client's retry is a replay, 401 invalid_nonce), and its connection is closed once it is sent.
 */
const unfinished = new Set<ServerResponse>();
const closeAfter = (res: ServerResponse) => {
  if (!res.headersSent) res.setHeader('Connection', 'close');
};
server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
  if (stopping) closeAfter(res);
  unfinished.add(res);
  res.once('close', () => {
    unfinished.delete(res);
    // A response whose keep-alive head went out before the signal: its connection is idle now.
    if (stopping) setImmediate(() => server.closeIdleConnections());
  });
});
// A pipelined response still queued behind another when its connection closes never emits 'close' (Node 20): it is
// dropped with its connection, or the Set would keep it (and its request) for good.
server.on('connection', (socket: Socket) => {
  socket.once('close', () => unfinished.forEach((res) => res.req.socket === socket && unfinished.delete(res)));
});
const shutdown = (signal: string) => {
  // A second signal (npm forwards the one its process group got too) changes nothing: the first one's shutdown goes on.
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  unfinished.forEach(closeAfter);
  server.close(() => {
    void close().finally(() => process.exit(0));
  });
  server.closeIdleConnections();
  // What is still open after 5 s (a client sending a body for that long) is cut: said, and not a clean exit.
  setTimeout(() => {
    console.error(`${signal}: not closed after 5 s (${unfinished.size} requests still open); exiting`);
    process.exit(1);
  }, 5000).unref();
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
