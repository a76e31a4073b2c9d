/**
 * `oauthBodyParser(protector)`: Koa middleware to mount before routing-controllers (whose own koa-bodyparser
 * runs before any route and keeps only a decoded text). It reads every non-multipart body once, within the
 * protector's body limit, keeps the exact bytes for the guard, and sets `ctx.request.body` from the same
 * bytes with the library's own decoders (so koa-bodyparser leaves it alone). On a guarded route the guard
 * then replaces it with the verified reading; other routes keep this one.
 */
import type { Context, Middleware } from 'koa';
import { FORM, isJson, mediaType } from '../http/media-type';
import { flatParameters } from '../http/flat-parameters';
import { hasBody, readBody } from '../http/request-body';
import type { ResourceProtector } from '../protector/resource-protector';
import { InvalidRequestError, OAuthError } from '../rfc5849/errors';
import { parseFormEncoded } from '../rfc5849/form-encoded';
import { renderOAuthError } from './render-error';

function parse(ctx: Context, bytes: Buffer): unknown {
  const type = mediaType(ctx.get('Content-Type') || undefined);
  if (type === FORM) return flatParameters(parseFormEncoded(bytes.toString('latin1')));
  if (!isJson(type)) return {}; // what koa-bodyparser gives types it does not parse
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InvalidRequestError('The JSON body cannot be parsed.');
  }
}

export function oauthBodyParser(protector: ResourceProtector): Middleware {
  return async (ctx, next) => {
    if (!hasBody(ctx.req) || ctx.is('multipart')) return next();
    const request = ctx.request as Context['request'] & { rawBody?: string; body?: unknown };
    try {
      const bytes = await readBody(ctx.req, protector.limits.body);
      if (bytes === undefined) return next(); // read by a parser mounted earlier; the guard will say so
      request.rawBody = bytes.toString('utf8');
      request.body = parse(ctx, bytes);
    } catch (error) {
      if (error instanceof OAuthError) return renderOAuthError(ctx, error, protector.realm);
      throw error;
    }
    return next();
  };
}
