/**
 * The demo's graceful stop, apart from its process so that a spec can drive it: once stopping, a connection's latest
 * response, if it is the one being sent, says `Connection: close`, and every connection closes once its latest response
 * is sent and no request is coming in on it (an open keep-alive connection would otherwise stay for its client's next
 * request, which the demo would accept, record the nonce of and then lose when the process exits: the client's retry is
 * a replay, 401 invalid_nonce). The server stops listening once no connection is still sending an answer its
 * application has ended (to a client that reads slowly), as Node's `server.close()` would cut that answer; until then,
 * what connects is closed unanswered.
 *
 * It keeps each connection's latest response, one `Map.set` a request, and listens to responses only once stopping,
 * rather than a listener and a closure for every response's `close` (docs/decisions.md).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';

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
  const latest = new Map<Socket, ServerResponse | undefined>();
  // The responses this module told to close their connection: only a connection's latest response, and only while it is
  // the one being sent (`res.socket` set), since a head built while queued behind another is final before the
  // connection's next pipelined request may come (that request would be accepted and lost with the connection). A
  // request coming behind a marked response whose head is not built takes the mark over, or the connection closes first.
  const marked = new WeakSet<ServerResponse>();
  // Node's idle connections include one whose response has ended and is still being written out: `server.close()` and
  // `closeIdleConnections()` would cut it for a client that reads slowly (and a request pipelined behind it). So both
  // wait until no connection is still sending what its application has ended; a destroyed one has nothing left to cut.
  const stillSending = () =>
    [...latest].find(
      ([socket, res]) =>
        res && !res.destroyed && !res.writableFinished && (res.writableEnded || socket.writableLength > 0),
    )?.[1];
  const whenSent = (then: () => void) => {
    const sending = stillSending();
    if (!sending) return then();
    sending.once('close', () => setImmediate(() => whenSent(then)));
  };
  // One pass closes every connection idle by then, so the responses that finish meanwhile wait for it, not a listener
  // each on the response still going out (Node warns of a leak from the eleventh).
  let closingIdle = false;
  const closeIdle = () => {
    if (closingIdle) return;
    closingIdle = true;
    setImmediate(() =>
      whenSent(() => {
        closingIdle = false;
        server.closeIdleConnections();
      }),
    );
  };
  const closeAfter = (res: ServerResponse) => {
    if (!res.headersSent && res.socket) {
      res.setHeader('Connection', 'close');
      marked.add(res);
    }
    // Its connection is idle once it is done: a response whose keep-alive head went out before the signal, one queued
    // behind another, or a marked one whose application then sets its own `Connection` header.
    res.once('close', closeIdle);
  };
  // The entry leaves with the socket the requests come on: for an https server that is the TLS socket its
  // 'secureConnection' event gives, not the one its 'connection' event gives. A socket is kept from its connection on
  // (no response yet), so that one that has sent nothing when the stop comes is closed rather than left to its client:
  // Node's closeIdleConnections() does not count a connection that has had no request as idle.
  // A connection with no response that has sent nothing yet (no request of it was read), once stopping.
  const closeIfSilent = (res: ServerResponse | undefined, socket: Socket) => {
    if (res === undefined && socket.bytesRead === 0) socket.destroy();
  };
  const track = (socket: Socket) => {
    latest.set(socket, undefined);
    socket.once('close', () => latest.delete(socket));
    // (A TLS handshake finished after the stop.)
    if (stopping) closeIfSilent(undefined, socket);
  };
  server.on(server instanceof TlsServer ? 'secureConnection' : 'connection', track);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!stopping) return void latest.set(req.socket, res);
    const previous = latest.get(req.socket);
    latest.set(req.socket, res);
    // (`removeHeader` would send no `Connection` at all, which an HTTP/1.0 client reads as close. A connection Node would
    // not keep alive keeps the mark; an HTTP/1.0 answer without a length ends its connection whatever it says.)
    if (previous && marked.has(previous) && !previous.headersSent && previous.shouldKeepAlive) {
      previous.setHeader('Connection', 'keep-alive');
      marked.delete(previous);
    }
    closeAfter(res);
  });
  const unfinished = () => [...latest.values()].filter((res): res is ServerResponse => !!res && !res.writableFinished);
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
      latest.forEach(closeIfSilent);
      // Until then the server still listens, and `track` closes at once what connects (it has sent nothing).
      whenSent(() => {
        server.close(() => closed());
        server.closeIdleConnections();
      });
    },
  };
}
