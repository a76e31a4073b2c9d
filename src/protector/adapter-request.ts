/**
 * The contract between the protector and an adapter (Koa, Express): what an adapter hands over for one
 * request. Both frameworks sit on Node's `IncomingMessage`, so the reading itself is shared.
 */
import type { IncomingMessage } from 'node:http';
import { readHttpRequest, type HttpRequest } from '../http/http-request';
import { isMultipart } from '../http/media-type';
import { NO_BODY, readBody, withinLimit } from '../http/request-body';
import { isOAuthScheme } from '../rfc5849/authorization-header';
import { InvalidRequestError } from '../rfc5849/errors';
import type { MaybePromise } from '../rfc5849/maybe-promise';

export interface AdapterRequest {
  /** The Node request. */
  req: IncomingMessage;
  /** The request-target as received (`ctx.originalUrl`, `req.originalUrl`: routers rewrite `req.url`). */
  target: string;
  /**
   * Whether the app trusts its proxy's X-Forwarded-Proto / X-Forwarded-Host for this request; a function is
   * asked only when the request has one of them.
   */
  trustProxy: boolean | (() => boolean);
  /** The route's parameters from the router (`/notes/:id` → `{ id }`), for access rules. */
  params: Readonly<Record<string, string>>;
  /**
   * The body's bytes when a framework parser read the stream before the guard without keeping them here
   * (koa-bodyparser's `rawBody`); it throws when they cannot be had exactly.
   */
  bodyReadElsewhere?: () => Buffer;
  /**
   * An upload parser reads a multipart body after this reading and needs the stream unread: routing-controllers runs
   * its checkers (`@Authorized()`, `@CurrentUser()`) before multer. Such a body is not read, and a request with one
   * is refused: nothing could verify it.
   */
  uploadsReadLater: boolean;
}

const NO_BYTES = () => {
  throw new Error(
    'routing-controllers-oauth1: the request body was read before the guard by a parser that kept no bytes; ' +
      'mount oauthBodyParser() before other body parsers.',
  );
};

const UPLOAD_LATER = () => {
  throw new InvalidRequestError(
    "A multipart body is not verified by @Authorized() or @CurrentUser(): routing-controllers' upload parser reads " +
      'it after them. Send a file as the body, signed with its oauth_body_hash.',
  );
};

/** An `Authorization` header of the OAuth scheme: the only one the guard reads, by this very test. */
const hasOAuthAuthorization = (req: AdapterRequest['req']): boolean => {
  const authorization = req.headers.authorization;
  return authorization !== undefined && isOAuthScheme(authorization);
};

/**
 * Whether a request may carry OAuth credentials outside its body: an `Authorization` header of the OAuth scheme (the
 * only one the guard reads, with this very test), or `oauth_` in its query however encoded (a query that does not
 * decode counts too). Only a request that cannot is anonymous without its multipart body, which no credential can be in.
 */
export function mayClaimOAuth({ req, target }: AdapterRequest): boolean {
  if (hasOAuthAuthorization(req)) return true;
  const at = target.indexOf('?');
  if (at < 0) return false;
  try {
    return /oauth_/i.test(decodeURIComponent(target.slice(at + 1)));
  } catch {
    return true;
  }
}

/**
 * Whether a request names OAuth credentials outside its body: an `Authorization` header of the OAuth scheme, or a query
 * parameter whose name, decoded, starts with `oauth_`. Narrower than `mayClaimOAuth` (no value is looked at, and a
 * query that does not decode is left for the guard to refuse): a request it says no to may still be anonymous.
 */
export function namesOAuth({ req, target }: AdapterRequest): boolean {
  if (hasOAuthAuthorization(req)) return true;
  const at = target.indexOf('?');
  if (at < 0) return false;
  return target
    .slice(at + 1)
    .split('&')
    .some((pair) => {
      const name = pair.split('=', 1)[0].replaceAll('+', ' ');
      try {
        return decodeURIComponent(name).startsWith('oauth_');
      } catch {
        return false;
      }
    });
}

/**
 * The reader of a multipart body that an upload parser may read after the guard: none for a request that cannot carry
 * credentials outside its body, which no credential can be in (anonymous, its stream left unread); for one that may,
 * the refusal when the parser surely reads it later (a checker), or the guard's reading (an `optional` route).
 */
const multipartReader = (exchange: AdapterRequest, readIt: () => MaybePromise<Buffer>) =>
  !mayClaimOAuth(exchange) ? () => NO_BODY : exchange.uploadsReadLater ? UPLOAD_LATER : readIt;

/**
 * The request read once: the head first, then the body (the bytes kept, the stream, or the framework's). On an
 * `optional` route, as for a checker, a multipart body of a request that cannot be signed is not read: an upload parser
 * after the guard reads it (the guard would leave it used up, a 500 for every anonymous upload).
 */
export function readRequest(exchange: AdapterRequest, bodyLimit: number, optional: boolean): MaybePromise<HttpRequest> {
  const { req, target, trustProxy } = exchange;
  // A framework parser's bytes count against the protector's limit too: its own limit may be larger.
  const readIt = () => readBody(req, bodyLimit) ?? withinLimit((exchange.bodyReadElsewhere ?? NO_BYTES)(), bodyLimit);
  return readHttpRequest(
    req,
    { target, trustProxy },
    (exchange.uploadsReadLater || optional) && isMultipart(req.headers['content-type'])
      ? multipartReader(exchange, readIt)
      : readIt,
  );
}
