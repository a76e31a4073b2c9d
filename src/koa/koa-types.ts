/**
 * What the adapter uses of Koa, declared here rather than imported from @types/koa, so that applications compile
 * without Koa's types (Express applications without Koa at all), as src/express/express-types.ts does for Express.
 * Koa's own context and `next` fit these, so the middleware made here goes to `app.use()` and @koa/router as it is.
 */
import type { IncomingMessage } from 'node:http';

export interface KoaContext {
  req: IncomingMessage;
  /** The target as received: middleware may rewrite `url` and `path`. */
  originalUrl: string;
  app: { proxy: boolean };
  /** Read and written as the body parser and the guard need (`body`, `rawBody`, an own `query`). */
  request: object;
  /** An app's own state type (an interface, without an index signature) fits `object`. */
  state: object;
  status: number;
  body: unknown;
  set(fields: Record<string, string>): void;
  is(type: string, ...types: string[]): string | false | null;
}

export type KoaNext = () => Promise<unknown>;

export type KoaMiddleware = (ctx: KoaContext, next: KoaNext) => unknown;
