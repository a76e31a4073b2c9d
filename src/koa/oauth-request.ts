/**
 * A Koa context, taken apart into what RFC 5849 verification needs.
 */
import type { Context } from 'koa';
import { baseStringUri } from '../rfc5849/base-string';
import { InvalidRequestError } from '../rfc5849/errors';
import { isOAuthScheme } from '../rfc5849/parameters';
import { andThen, type MaybePromise } from '../rfc5849/maybe-promise';
import type { OAuthRequest } from '../rfc5849/verify-request';
import { rawBodyOf } from './body';

/**
 * Whether the `Authorization` or the `Host` header occurs more than once. Node keeps only the first of
 * each in `req.headers`, so the raw list is read (names only, every other entry).
 */
function hasRepeatedHeader(rawHeaders: string[]): string | undefined {
  let authorization = false;
  let host = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const header = rawHeaders[i];
    if (header.length === 13 && header.toLowerCase() === 'authorization') {
      if (authorization) return 'Authorization';
      authorization = true;
    } else if (header.length === 4 && header.toLowerCase() === 'host') {
      if (host) return 'Host';
      host = true;
    }
  }
  return undefined;
}

/** The request taken apart; a promise only when its body must still be read. */
export function toOAuthRequest(ctx: Context, bodyLimit: number): MaybePromise<OAuthRequest> {
  const repeated = hasRepeatedHeader(ctx.req.rawHeaders);
  if (repeated) throw new InvalidRequestError(`The request has more than one ${repeated} header.`);
  // ctx.protocol and ctx.host honour X-Forwarded-Proto/-Host only when the app trusts its proxy
  // (app.proxy); ctx.origin is not used, as Koa 3 changed its meaning.
  const { request } = ctx;
  const host = request.host;
  if (!host) throw new InvalidRequestError('The request has no Host header.');
  const target = request.originalUrl;
  if (target.charCodeAt(0) !== 0x2f) throw new InvalidRequestError('The request target must be an absolute path.');
  const queryAt = target.indexOf('?');
  const protocol = request.protocol;
  const header = ctx.req.headers.authorization ?? '';
  return andThen(rawBodyOf(ctx, bodyLimit), (body) => ({
    method: request.method,
    uri: baseStringUri(protocol, host, queryAt < 0 ? target : target.slice(0, queryAt)),
    secure: protocol === 'https',
    authorization: isOAuthScheme(header) ? header : undefined,
    query: queryAt < 0 ? '' : target.slice(queryAt + 1),
    // Only a single-part form body carries parameters (§3.4.1.3.1); its bytes must be ASCII.
    form: request.is('application/x-www-form-urlencoded') ? body.toString('latin1') : undefined,
    body,
  }));
}
