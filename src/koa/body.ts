/**
 * `oauthBodyParser(protector)`: Koa middleware to mount before routing-controllers (whose own koa-bodyparser
 * runs before any route and keeps only a decoded text). It reads every non-multipart body once, within the
 * protector's body limit, keeps the exact bytes for the guard, and sets `ctx.request.body` from the same
 * bytes with the library's own decoders (so koa-bodyparser leaves it alone). On a guarded route the guard
 * then replaces it with the verified reading; other routes keep this one.
 */
import { parsedBody } from '../http/body-value';
import { hasBody, readBody } from '../http/request-body';
import { checkProtector, type ResourceProtector } from '../protector/resource-protector';
import { OAuthError } from '../rfc5849/errors';
import type { KoaContext, KoaMiddleware, KoaNext } from './koa-types';
import { renderOAuthError } from './render-error';

export function oauthBodyParser(protector: ResourceProtector): KoaMiddleware {
  checkProtector(protector, 'oauthBodyParser(protector)');
  // A bodiless request (most GETs) passes straight on: no async function, so no promise of its own.
  return (ctx, next) => (!hasBody(ctx.req.headers) || ctx.is('multipart') ? next() : readKoaBody(protector, ctx, next));
}

async function readKoaBody(protector: ResourceProtector, ctx: KoaContext, next: KoaNext): Promise<unknown> {
  const request = ctx.request as { rawBody?: string; body?: unknown };
  try {
    const bytes = await readBody(ctx.req, protector.limits.body);
    if (bytes === undefined) return next(); // read by a parser mounted earlier; the guard will say so
    request.rawBody = bytes.toString('utf8');
    request.body = parsedBody(ctx.req.headers, bytes, protector.limits);
  } catch (error) {
    if (error instanceof OAuthError) return renderOAuthError(ctx, protector.refusalOf(error));
    throw error;
  }
  return next();
}
