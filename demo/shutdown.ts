/**
 * The demo's graceful stop, apart from its process so that a spec can drive it: once stopping, the responses in
 * progress say `Connection: close` and their connections close once sent (an open keep-alive connection would otherwise
 * stay for its client's next request, which the demo would accept, record the nonce of and then lose when the process
 * exits: the client's retry is a replay, 401 invalid_nonce).
 *
 * It keeps each connection's latest response, one `Map.set` a request, and listens to responses only once stopping:
 * listening to every response's `close` cost about 1 µs a request (docs/decisions.md).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface GracefulServer {
  /** Whether `stop()` was called. */
  readonly stopping: boolean;
  /** The connections whose latest response is not finished yet. */
  readonly open: number;
  /** Stops taking requests; `closed` is called once the last connection has closed. */
  stop(closed: () => void): void;
}

export function gracefulServer(server: Server): GracefulServer {
  let stopping = false;
  // A connection's responses go out in order, so once its latest one is finished the connection is idle. An entry
  // leaves with its connection: one that closes with a pipelined response still queued emits no `close` for that
  // response (Node 20).
  const latest = new Map<Socket, ServerResponse>();
  const closeIdle = () => setImmediate(() => server.closeIdleConnections());
  const closeAfter = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
    // A response whose keep-alive head went out before the signal: its connection is idle once it is done.
    else res.once('close', closeIdle);
  };
  server.on('connection', (socket: Socket) => socket.once('close', () => latest.delete(socket)));
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    latest.set(req.socket, res);
    if (stopping) closeAfter(res);
  });
  const unfinished = () => [...latest.values()].filter((res) => !res.writableFinished);
  return {
    get stopping() {
      return stopping;
    },
    get open() {
      return unfinished().length;
    },
    stop(closed) {
      stopping = true;
      unfinished().forEach(closeAfter);
      server.close(() => closed());
      server.closeIdleConnections();
    },
  };
}
