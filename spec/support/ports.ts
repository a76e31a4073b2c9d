/**
 * Loopback ports for servers that the tests start as child processes and that cannot be told to pick their
 * own (redis-server has no ephemeral port; the demo prints the port it was given). A port found free here
 * may be taken before the child binds it, so each caller retries on another port when the child reports
 * that the address is in use.
 */
import { createServer } from 'node:net';

/** A port that was free on 127.0.0.1 a moment ago (the kernel's choice for port 0). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** Whether `port` can be listened on at 127.0.0.1 now (a hint only: it may be taken a moment later). */
export const isFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

/** How many ports a start tries before it gives up. */
export const PORT_ATTEMPTS = 5;

/** Picks the port to try; tests of the retry inject one that hands out a taken port first. */
export type PortPicker = () => Promise<number>;
