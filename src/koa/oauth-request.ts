/**
 * A Koa context, taken apart into what RFC 5849 verification needs.
 */
import type { Context } from 'koa';
import { baseStringUri } from '../rfc5849/base-string';
import { InvalidRequestError } from '../rfc5849/errors';
import { isOAuthScheme } from '../rfc5849/parameters';
import type { OAuthRequest } from '../rfc5849/verify-request';
import { rawBodyOf } from './body';

/** How often a header occurs; Node keeps only the first `Authorization` and `Host` in `req.headers`. */
function countHeader(rawHeaders: string[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === name) count++;
  return count;
}

export async function toOAuthRequest(ctx: Context, bodyLimit: number): Promise<OAuthRequest> {
  const { rawHeaders } = ctx.req;
  if (countHeader(rawHeaders, 'authorization') > 1) {
    throw new InvalidRequestError('The request has more than one Authorization header.');
  }
  if (countHeader(rawHeaders, 'host') > 1) throw new InvalidRequestError('The request has more than one Host header.');
  // ctx.protocol and ctx.host honour X-Forwarded-Proto/-Host only when the app trusts its proxy
  // (app.proxy); ctx.origin is not used, as Koa 3 changed its meaning.
  const host = ctx.host;
  if (!host) throw new InvalidRequestError('The request has no Host header.');
  const target = ctx.originalUrl;
  if (!target.startsWith('/')) throw new InvalidRequestError('The request target must be an absolute path.');
  const queryAt = target.indexOf('?');
  const path = queryAt < 0 ? target : target.slice(0, queryAt);

  const header = ctx.get('Authorization');
  const body = await rawBodyOf(ctx, bodyLimit);
  return {
    method: ctx.method,
    uri: baseStringUri(ctx.protocol, host, path),
    secure: ctx.protocol === 'https',
    authorization: isOAuthScheme(header) ? header : undefined,
    query: queryAt < 0 ? '' : target.slice(queryAt + 1),
    // Only a single-part form body carries parameters (§3.4.1.3.1); its bytes must be ASCII.
    form: ctx.is('application/x-www-form-urlencoded') ? body.toString('latin1') : undefined,
    body,
  };
}
