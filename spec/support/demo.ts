import type { Server } from 'node:http';
import { createDemoApp, type DemoApp, type DemoConfig, type Driver } from '../../demo/app';

/** The driver the demo specs run on: DEMO_DRIVER, as for `npm run demo` (the jest projects set it). */
export const DRIVER: Driver = process.env.DEMO_DRIVER === 'express' ? 'express' : 'koa';

/** The demo app on an ephemeral loopback port; `base` is its URL as clients sign it. */
export async function startDemo(
  config: Partial<DemoConfig> = {},
): Promise<DemoApp & { server: Server; base: string; stop(): Promise<void> }> {
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
        server.close(() => void demo.close().then(resolve));
        server.closeAllConnections();
      }),
  };
}
