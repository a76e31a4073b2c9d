/**
 * A Koa context, as the protector reads it (see src/protector/adapter-request.ts): Koa's own decisions
 * (the original target, whether the app trusts its proxy, the route's parameters) and the body that
 * koa-bodyparser may have read first.
 */
import { keepBody } from '../http/request-body';
import type { AdapterRequest } from '../protector/adapter-request';
import { InvalidRequestError } from '../rfc5849/errors';
import type { KoaContext } from './koa-types';

/** `uploadsReadLater`: read for a routing-controllers checker (src/protector/adapter-request.ts). */
export function koaRequest(ctx: KoaContext, uploadsReadLater = false): AdapterRequest {
  return {
    req: ctx.req,
    target: originalTarget(ctx),
    trustProxy: ctx.app.proxy,
    params: (ctx as KoaContext & { params?: Record<string, string> }).params ?? {},
    bodyReadElsewhere: () => rawBodyOfBodyParser(ctx),
    uploadsReadLater,
  };
}

/**
 * The request-target as the client sent it. Koa's `ctx.originalUrl` is `req.url` when Koa made its context, which an
 * Express app that runs Koa's callback (`app.use('/k', koa.callback())`) has already cut, or rewritten; Express keeps
 * the target it received in `req.originalUrl`, and the path it cut in `req.baseUrl` while its handler runs, which Koa's
 * callback never returns from. An Express app run inside Koa (koa-connect) sets `req.originalUrl` to whatever Koa's
 * middlewares left in `req.url`, and takes `req.baseUrl` back when it hands the request on: Koa's reading is then the
 * one received.
 */
function originalTarget(ctx: KoaContext): string {
  const { originalUrl, baseUrl } = ctx.req as { originalUrl?: unknown; baseUrl?: unknown };
  return typeof originalUrl === 'string' && typeof baseUrl === 'string' ? originalUrl : ctx.originalUrl;
}

/**
 * What routing-controllers' koa-bodyparser read, when `oauthBodyParser()` was not mounted before it: the text it
 * decoded as UTF-8, after undoing any content coding and dropping a byte order mark. Only a text whose UTF-8 is the
 * body as sent is verified: none of that happened (no content coding, the length Content-Length announced) and no
 * byte was lost (no U+FFFD, which each ill-formed sequence becomes, one of three bytes keeping the length). A body
 * without Content-Length (chunked) has no length to compare, and is refused.
 */
function rawBodyOfBodyParser(ctx: KoaContext): Buffer {
  const raw = (ctx.request as { rawBody?: unknown }).rawBody;
  if (typeof raw !== 'string') {
    throw new Error(
      'routing-controllers-oauth1: the request body was read before the guard by a parser that kept no bytes; ' +
        'mount oauthBodyParser() before useKoaServer().',
    );
  }
  const bytes = Buffer.from(raw, 'utf8');
  const { 'content-length': declared, 'content-encoding': coding } = ctx.req.headers;
  // Without Content-Length (chunked), Number(undefined) is NaN: no length matches it.
  if (Number(declared) !== bytes.length || coding !== undefined || raw.includes('\uFFFD')) {
    throw new InvalidRequestError(
      'The request body cannot be verified as sent: a parser mounted before oauthBodyParser() kept only its text ' +
        '(a body that is not UTF-8, holds U+FFFD or a byte order mark, has a content coding or no Content-Length).',
    );
  }
  keepBody(ctx.req, bytes);
  return bytes;
}
