/**
 * What the adapter uses of Express, declared here rather than imported from @types/express, so that
 * applications compile without Express's types (and Koa applications without Express at all). Express 4 and 5
 * both fit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ExpressRequest extends IncomingMessage {
  /** The target as received: routers rewrite `url` when they strip a mount path. */
  originalUrl: string;
  /** Route parameters: Express 5 gives a wildcard's segments as an array. */
  params?: Record<string, string | string[]>;
  app: { get(setting: string): unknown };
  body?: unknown;
  /** body-parser's mark of a body read: version 1 reads no body so marked. */
  _body?: boolean;
}

export interface ExpressResponse extends ServerResponse {
  locals: Record<string, unknown>;
  status(code: number): this;
  set(fields: Record<string, string>): this;
  json(body: unknown): this;
}

export type NextFunction = (error?: unknown) => void;

export type ExpressMiddleware = (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => void;
