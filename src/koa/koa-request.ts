/**
 * A Koa context, as the protector reads it (see src/protector/adapter-request.ts): Koa's own decisions
 * (the original target, whether the app trusts its proxy, the route's parameters) and the body that
 * koa-bodyparser may have read first.
 */
import type { Context } from 'koa';
import { keepBody } from '../http/request-body';
import type { AdapterRequest } from '../protector/adapter-request';
import { InvalidRequestError } from '../rfc5849/errors';

/** `uploadsReadLater`: read for a routing-controllers checker (src/protector/adapter-request.ts). */
export function koaRequest(ctx: Context, uploadsReadLater = false): AdapterRequest {
  return {
    req: ctx.req,
    target: ctx.originalUrl,
    trustProxy: ctx.app.proxy,
    params: (ctx as Context & { params?: Record<string, string> }).params ?? {},
    bodyReadElsewhere: () => rawBodyOfBodyParser(ctx),
    uploadsReadLater,
  };
}

/**
 * What routing-controllers' koa-bodyparser read, when `oauthBodyParser()` was not mounted before it: the
 * text it decoded as UTF-8. Bytes that were not UTF-8 are lost in that decoding, each sequence to a U+FFFD: when the
 * text holds one, or its length no longer matches Content-Length, the body is refused rather than verified as
 * something else (a chunked body has no length to compare, and an ill-formed three-byte sequence keeps it).
 */
function rawBodyOfBodyParser(ctx: Context): Buffer {
  const raw = (ctx.request as { rawBody?: unknown }).rawBody;
  if (typeof raw !== 'string') {
    throw new Error(
      'routing-controllers-oauth1: the request body was read before the guard by a parser that kept no bytes; ' +
        'mount oauthBodyParser() before useKoaServer().',
    );
  }
  const bytes = Buffer.from(raw, 'utf8');
  const declared = ctx.req.headers['content-length'];
  if ((declared !== undefined && Number(declared) !== bytes.length) || raw.includes('\uFFFD')) {
    throw new InvalidRequestError(
      'The request body is not valid UTF-8, or holds U+FFFD, which a parser mounted before oauthBodyParser() ' +
        'cannot tell apart.',
    );
  }
  keepBody(ctx.req, bytes);
  return bytes;
}
