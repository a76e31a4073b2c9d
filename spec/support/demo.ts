import type { Server } from 'node:http';
import { createDemoApp, type DemoApp, type DemoConfig } from '../../demo/app';

/** The demo app on an ephemeral loopback port; `base` is its URL as clients sign it. */
export async function startDemo(
  config: Partial<DemoConfig> = {},
): Promise<DemoApp & { server: Server; base: string; stop(): Promise<void> }> {
  const demo = createDemoApp({ port: 0, insecureTransport: true, trustProxy: false, ...config });
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
