/**
 * Servers a spec file starts in process: each on a free loopback port, answered once it listens, and every one closed,
 * its connections too, after the file's tests.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';

export type Listen = (app: { listen(port: number, host: string): Server }) => Promise<Server>;

/** `listen(app)` for the calling spec file (it registers the file's `afterAll`). */
export function loopbackListen(): Listen {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(
      servers.map((server) => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(resolve));
      }),
    );
  });
  return async (app) => {
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    await once(server, 'listening');
    return server;
  };
}
