/**
 * `oauthBodyParser(protector)` for Express: mount it before any other body parser (`express.json()`,
 * `express.urlencoded()`), which would read the stream and keep no bytes for the guard. It reads every
 * non-multipart body once, within the protector's body limit, keeps the exact bytes, and sets `req.body` from
 * them with the library's own decoders; body-parser then leaves the request alone. Without it the guard reads
 * the body itself (routing-controllers runs its body-parser after the guard).
 */
import { parsedBody } from '../http/body-value';
import { isMultipart } from '../http/media-type';
import { hasBody, readBody } from '../http/request-body';
import { checkProtector, type ResourceProtector } from '../protector/resource-protector';
import { OAuthError } from '../rfc5849/errors';
import { isPromiseLike } from '../rfc5849/maybe-promise';
import type { ExpressMiddleware, ExpressRequest } from './express-types';
import { renderOAuthError } from './render-error';

export function oauthBodyParser(protector: ResourceProtector): ExpressMiddleware {
  checkProtector(protector, 'oauthBodyParser(protector)');
  return (req, res, next) => {
    const headers = req.headers;
    const contentType = headers['content-type'];
    if (!hasBody(headers) || isMultipart(contentType)) return next();
    const refuse = (error: unknown) =>
      error instanceof OAuthError ? renderOAuthError(res, protector.refusalOf(error)) : next(error);
    const parse = (bytes: Buffer | undefined) => {
      if (bytes === undefined) return next(); // read by a parser mounted earlier; the guard will say so
      try {
        serveParsedBody(req, bytes, protector);
      } catch (error) {
        return refuse(error);
      }
      next();
    };
    let bytes: ReturnType<typeof readBody>;
    try {
      bytes = readBody(req, protector.limits.body);
    } catch (error) {
      return refuse(error);
    }
    if (!isPromiseLike(bytes)) return parse(bytes);
    // Neither throws (parse's work is in its try, a refusal renders only where nothing was sent): no rejection is left.
    Promise.resolve(bytes).then(parse, refuse);
  };
}

/** Sets `req.body` from the body's bytes with the library's strict decoders, and marks the body read for body-parser. */
export function serveParsedBody(req: ExpressRequest, bytes: Buffer, protector: ResourceProtector): void {
  req.body = parsedBody(req.headers, bytes, protector.limits);
  req._body = true; // body-parser 1 skips such a request
}
