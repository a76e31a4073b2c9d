/**
 * The contract between the protector and an adapter (Koa, Express): what an adapter hands over for one
 * request. Both frameworks sit on Node's `IncomingMessage`, so the reading itself is shared.
 */
import type { IncomingMessage } from 'node:http';
import { readHttpRequest, type HttpRequest } from '../http/http-request';
import { readBody, withinLimit } from '../http/request-body';
import type { MaybePromise } from '../rfc5849/maybe-promise';

export interface AdapterRequest {
  /** The Node request. */
  req: IncomingMessage;
  /** The request-target as received (`ctx.originalUrl`, `req.originalUrl`: routers rewrite `req.url`). */
  target: string;
  /**
   * Whether the app trusts its proxy's X-Forwarded-Proto / X-Forwarded-Host for this request; a function is
   * asked only when the request has one of them.
   */
  trustProxy: boolean | (() => boolean);
  /** The route's parameters from the router (`/notes/:id` → `{ id }`), for access rules. */
  params: Readonly<Record<string, string>>;
  /**
   * The body's bytes when a framework parser read the stream before the guard without keeping them here
   * (koa-bodyparser's `rawBody`); it throws when they cannot be had exactly.
   */
  bodyReadElsewhere?: () => Buffer;
}

const NO_BYTES = () => {
  throw new Error(
    'routing-controllers-oauth1: the request body was read before the guard by a parser that kept no bytes; ' +
      'mount oauthBodyParser() before other body parsers.',
  );
};

/** The request read once: the head first, then the body (the bytes kept, the stream, or the framework's). */
export function readRequest(exchange: AdapterRequest, bodyLimit: number): MaybePromise<HttpRequest> {
  const { req, target, trustProxy } = exchange;
  return readHttpRequest(
    req,
    { target, trustProxy },
    // A framework parser's bytes count against the protector's limit too: its own limit may be larger.
    () => readBody(req, bodyLimit) ?? withinLimit((exchange.bodyReadElsewhere ?? NO_BYTES)(), bodyLimit),
  );
}
