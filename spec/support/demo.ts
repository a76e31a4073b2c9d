import type { Server } from 'node:http';
import { createDemoApp, type DemoApp, type DemoConfig, type Driver } from '../../demo/app';
import { allowWarnings } from './console';

/** The driver the demo specs run on: DEMO_DRIVER, as for `npm run demo` (the jest projects set it). */
export const DRIVER: Driver = process.env.DEMO_DRIVER === 'express' ? 'express' : 'koa';

/**
 * What the demo logs in development transport mode: its two notices at start, and the explanation of each
 * refused signature (debugSignatures). Its server log, not what the tests check: let through while it runs.
 */
const DEMO_LOG = /^routing-controllers-oauth1: (plain http is allowed|refused signatures are logged|signature refused)/;

/** The demo app on an ephemeral loopback port; `base` is its URL as clients sign it. */
export async function startDemo(
  config: Partial<DemoConfig> = {},
): Promise<DemoApp & { server: Server; base: string; stop(): Promise<void> }> {
  const stopAllowing = allowWarnings(DEMO_LOG);
  const demo = createDemoApp({ port: 0, insecureTransport: true, trustProxy: false, driver: DRIVER, ...config });
  const server = demo.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return {
    ...demo,
    server,
    base: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => void demo.close().then(() => (stopAllowing(), resolve())));
        server.closeAllConnections();
      }),
  };
}
