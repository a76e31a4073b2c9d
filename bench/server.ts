/**
 * The bench server, run by bench/run.ts in a child process of its own (pinned to one CPU where
 * `taskset` exists), so that the load client never shares its event loop.
 *
 * BENCH_DRIVER: `koa` (default) or `express`; BENCH_NONCE_STORE: `memory` (default) or a `redis://` URL;
 * BENCH_CURRENT_CREDENTIAL=off: the protector leaves AsyncLocalStorage unused (`currentCredential: false`);
 * BENCH_APP=peer: the Express bench app with GET /passport (bench/peer.ts); BENCH_APP=passport: the peer's own
 * app instead (bench/support/passport.ts); BENCH_APP=demo-floor: `npm run demo`'s app with its floor route
 * (bench/support/demo-floor.ts).
 * Talks to its parent over IPC: it sends `{ type: 'ready', port, nodeVersion }` once listening on 127.0.0.1,
 * answers `{ type: 'usage' }` with its CPU time and memory, and exits cleanly on `{ type: 'stop' }` (so that
 * `--cpu-prof` writes its profile).
 */
import type { AddressInfo } from 'node:net';
import { ALICE } from '../spec/support/sign';
import { createBenchApp, type BenchApp, type Driver } from './app';

export type ServerMessage =
  | { type: 'ready'; port: number; nonceStore: string; nodeVersion: string }
  | { type: 'usage'; cpu: NodeJS.CpuUsage; memory: NodeJS.MemoryUsage };
export type ParentMessage = { type: 'usage' } | { type: 'stop' };

const store = process.env.BENCH_NONCE_STORE ?? 'memory';
const driver = (process.env.BENCH_DRIVER ?? 'koa') as Driver;
// BENCH_APP=passport: the peer's app beside `npm run demo`, with the demo's client and token. Required here
// only: loading passport-http-oauth patches IncomingMessage.prototype, which would tax every other server too.
function peerApp(): BenchApp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only where wanted (see above)
  const { passportApp } = require('./support/passport') as typeof import('./support/passport');
  const app = passportApp(ALICE);
  return {
    listen: (port, host, ready) => app.listen(port, host, ready),
    nonceStore: 'passport',
    close: async () => {},
  };
}
// BENCH_APP=demo-floor: the demo's app, loaded only where wanted, as its SQLite stores open at start.
function demoFloor(): BenchApp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only where wanted (see above)
  const { demoFloorApp } = require('./support/demo-floor') as typeof import('./support/demo-floor');
  return demoFloorApp();
}
const { listen, close, nonceStore } =
  process.env.BENCH_APP === 'passport'
    ? peerApp()
    : process.env.BENCH_APP === 'demo-floor'
      ? demoFloor()
      : createBenchApp({
          driver,
          peer: process.env.BENCH_APP === 'peer',
          ...(store === 'memory' ? {} : { redisUrl: store }),
          currentCredential: process.env.BENCH_CURRENT_CREDENTIAL !== 'off',
        });
const send = (message: ServerMessage) => process.send?.(message);

const server = listen(0, '127.0.0.1', () => {
  send({ type: 'ready', port: (server.address() as AddressInfo).port, nonceStore, nodeVersion: process.version });
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close(() => void close().finally(() => process.exit(0)));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 3000).unref();
};

process.on('message', (message: ParentMessage) => {
  if (message.type === 'usage') send({ type: 'usage', cpu: process.cpuUsage(), memory: process.memoryUsage() });
  else if (message.type === 'stop') stop();
});
// The parent went away without a word: do not outlive it.
process.on('disconnect', stop);
