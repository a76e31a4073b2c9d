/**
 * The demo's graceful stop, apart from its process so that a spec can drive it: once stopping, the responses in
 * progress say `Connection: close` and their connections close once sent (an open keep-alive connection would otherwise
 * stay for its client's next request, which the demo would accept, record the nonce of and then lose when the process
 * exits: the client's retry is a replay, 401 invalid_nonce).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface GracefulServer {
  /** Whether `stop()` was called. */
  readonly stopping: boolean;
  /** The responses not finished yet. */
  readonly open: number;
  /** Stops taking requests; `closed` is called once the last connection has closed. */
  stop(closed: () => void): void;
}

export function gracefulServer(server: Server): GracefulServer {
  let stopping = false;
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
  return {
    get stopping() {
      return stopping;
    },
    get open() {
      return unfinished.size;
    },
    stop(closed) {
      stopping = true;
      unfinished.forEach(closeAfter);
      server.close(() => closed());
      server.closeIdleConnections();
    },
  };
}
