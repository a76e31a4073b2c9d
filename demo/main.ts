/**
 * `npm run demo`: the demo API on 127.0.0.1:${PORT:-3000}.
 */
import type { AddressInfo } from 'node:net';
import { createDemoApp, demoConfigFromEnv, type DemoApp, type DemoConfig } from './app';
import { gracefulServer } from './shutdown';

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

const graceful = gracefulServer(server);
const shutdown = (signal: string) => {
  // A second signal (npm forwards the one its process group got too) changes nothing: the first one's shutdown goes on.
  if (graceful.stopping) return;
  console.log(`${signal}: shutting down`);
  graceful.stop(() => void close().finally(() => process.exit(0)));
  // What is still open after 5 s (a client sending a body for that long) is cut: said, and not a clean exit.
  setTimeout(() => {
    console.error(`${signal}: not closed after 5 s (${graceful.open} connections still answering); exiting`);
    process.exit(1);
  }, 5000).unref();
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
