/**
 * A Koa context, taken apart into what RFC 5849 verification needs.
 */
import type { Context } from 'koa';
import { baseStringUri } from '../rfc5849/base-string';
import { InvalidRequestError } from '../rfc5849/errors';
import { isOAuthScheme } from '../rfc5849/parameters';
import type { OAuthRequest } from '../rfc5849/verify-request';
import { rawBodyOf } from './body';

/**
 * Whether a header occurs more than once. Node keeps only the first `Authorization` and `Host` in
 * `req.headers`, so the raw list is read (names only, every other entry).
 */
function isRepeated(rawHeaders: string[], name: string): boolean {
  let seen = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const header = rawHeaders[i];
    if (header.length !== name.length || header.toLowerCase() !== name) continue;
    if (seen) return true;
    seen = true;
  }
  return false;
}

export async function toOAuthRequest(ctx: Context, bodyLimit: number): Promise<OAuthRequest> {
  const { rawHeaders } = ctx.req;
  if (isRepeated(rawHeaders, 'authorization')) {
    throw new InvalidRequestError('The request has more than one Authorization header.');
  }
  if (isRepeated(rawHeaders, 'host')) throw new InvalidRequestError('The request has more than one Host header.');
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
