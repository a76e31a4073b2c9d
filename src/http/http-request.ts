/**
 * One reading of an HTTP request: what the verifier checks and what the application then reads, taken
 * from the Node request once, by the rules of RFC 9110, 9112 and 3986. Both adapters (Koa, Express) build
 * it the same way; neither the guard nor the action re-parses what is read here.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { constants } from 'node:buffer';
import { InvalidRequestError, RequestTooLargeError } from '../rfc5849/errors';
import { isOAuthScheme } from '../rfc5849/authorization-header';
import { baseStringUri } from '../rfc5849/base-string';
import type { OAuthRequest } from '../rfc5849/verify-request';
import { andThen, type MaybePromise } from '../rfc5849/maybe-promise';
import { isAuthority } from './authority';
import { checkFormCharset, FORM, readableMediaType } from './media-type';
import { hasBody, NO_BODY } from './request-body';
import { parseRequestTarget } from './request-target';

export interface HttpRequest {
  method: string;
  /** `https` when the connection is TLS, or a trusted proxy says the client's was. */
  scheme: 'http' | 'https';
  /** The authority the client addressed (Host, or a trusted X-Forwarded-Host), validated, case as sent. */
  host: string;
  /** The path as sent, still percent-encoded. */
  path: string;
  /** The raw query, without "?". */
  query: string;
  /** The `Authorization` value when it uses the OAuth scheme. */
  authorization?: string;
  /** The media type, lowercase, without parameters. */
  mediaType?: string;
  /** The raw body when it is single-part `application/x-www-form-urlencoded`. */
  form?: string;
  /** Whether the request announces a body (RFC 9112 §6.3); only then are its bytes read into `body`. */
  hasBody: boolean;
  /** The exact bytes of the body; empty for a bodiless request. */
  body: Buffer;
  /** The X-Forwarded-* headers that were present and ignored because the proxy is not trusted (for hints). */
  ignoredForwarded: string[];
  /** The X-Forwarded-* headers that gave the scheme and host (for hints). */
  usedForwarded: string[];
}

export interface ReadOptions {
  /** The request-target as received: frameworks that mount routers rewrite `req.url`, not this. */
  target: string;
  /**
   * Whether the app trusts its proxy's X-Forwarded-Proto / X-Forwarded-Host for this request; a function is
   * asked only when the request has one of them (asking Express costs a socket read and its trust function).
   */
  trustProxy: boolean | (() => boolean);
}

/** Names of the headers that must occur once (RFC 9112 §3.2; one Authorization, one credential). */
function repeatedHeader(rawHeaders: readonly string[]): string | undefined {
  let authorization = false;
  let host = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === 13 && name.toLowerCase() === 'authorization') {
      if (authorization) return 'Authorization';
      authorization = true;
    } else if (name.length === 4 && name.toLowerCase() === 'host') {
      if (host) return 'Host';
      host = true;
    }
  }
  return undefined;
}

/** Node's default `server.maxHeadersCount`, in header lines. */
const DEFAULT_HEADER_LINES = 1000;

/**
 * How many header lines Node reads of a request on its server (`server.maxHeadersCount`; 0: all). Node 22 and 24
 * refuse a request with more (431); Node 20 drops the lines past it without a word, from `rawHeaders` too, where a
 * second Host or Authorization would go unseen. A request that reaches the count may have lost lines: refused.
 */
function headerLinesKept(req: IncomingMessage): number {
  const kept = (req.socket as { server?: { maxHeadersCount?: unknown } } | null)?.server?.maxHeadersCount;
  return typeof kept === 'number' ? (kept > 0 ? kept : Infinity) : DEFAULT_HEADER_LINES;
}

/** The first element of a comma-separated header (the client's side of a proxy chain). */
const firstOf = (value: string | string[] | undefined): string | undefined =>
  value === undefined ? undefined : String(value).split(',', 1)[0].trim();

/**
 * Reads method, scheme, Host, target and then the body of a Node request, refusing (400) a repeated
 * Authorization or Host header, a missing or invalid Host, a request target that is not a valid
 * origin-form, forwarded headers of a trusted proxy that are not valid, and a form or JSON body in another
 * charset than UTF-8. The body is read only once the head is known to be good; a promise only then.
 */
export function readHttpRequest(
  req: IncomingMessage,
  options: ReadOptions,
  readBody: () => MaybePromise<Buffer>,
): MaybePromise<HttpRequest> {
  // HTTP/2 names the authority in `:authority`, which frameworks read (Koa's `ctx.host`) where the guard reads Host,
  // and its requests need not send Host at all: it is not verified, rather than verified for another host.
  if (req.httpVersionMajor > 1) throw new InvalidRequestError('Only HTTP/1.x requests are verified.');
  if (req.rawHeaders.length >= 2 * headerLinesKept(req)) {
    throw new InvalidRequestError('The request has more header lines than the server reads whole.');
  }
  const repeated = repeatedHeader(req.rawHeaders);
  if (repeated) throw new InvalidRequestError(`The request has more than one ${repeated} header.`);
  const headers = req.headers;
  const { path, query } = parseRequestTarget(options.target);

  const ignoredForwarded: string[] = [];
  const usedForwarded: string[] = [];
  let host = headers.host;
  let scheme: 'http' | 'https' = isEncrypted(req) ? 'https' : 'http';
  const forwardedHost = firstOf(headers['x-forwarded-host']);
  const forwardedProto = firstOf(headers['x-forwarded-proto']);
  const trusted =
    (forwardedHost !== undefined || forwardedProto !== undefined) &&
    (typeof options.trustProxy === 'function' ? options.trustProxy() : options.trustProxy);
  if (forwardedProto) (trusted ? usedForwarded : ignoredForwarded).push('X-Forwarded-Proto');
  if (forwardedHost) (trusted ? usedForwarded : ignoredForwarded).push('X-Forwarded-Host');
  if (trusted) {
    // A trusted header that is there but names nothing first is malformed, not absent (readers disagree on it).
    if (forwardedHost === '' || forwardedProto === '') {
      throw new InvalidRequestError('A forwarded header of the trusted proxy is empty.');
    }
    if (forwardedHost) host = forwardedHost;
    if (forwardedProto) {
      const proto = forwardedProto.toLowerCase();
      if (proto !== 'http' && proto !== 'https')
        throw new InvalidRequestError('The X-Forwarded-Proto is not http or https.');
      // The proxy's word whatever its own hop to the app was (as Express reads it): over TLS it can only say that the
      // client came in plain http, the URI it signed, and a PLAINTEXT secret's hop that TLS did not cover.
      scheme = proto;
    }
  }
  if (!host) throw new InvalidRequestError('The request has no Host header.');
  if (!isAuthority(host)) throw new InvalidRequestError('The Host is not a valid host and port (RFC 3986).');

  const type = readableMediaType(headers);
  const authorization = headers.authorization;
  const announced = hasBody(headers);
  return andThen(announced ? readBody() : NO_BODY, (body) => ({
    method: req.method ?? 'GET',
    scheme,
    host,
    path,
    query,
    authorization: authorization !== undefined && isOAuthScheme(authorization) ? authorization : undefined,
    mediaType: type,
    form: type === FORM ? formText(headers, body) : undefined,
    hasBody: announced,
    body,
    ignoredForwarded,
    usedForwarded,
  }));
}

/**
 * The longest form whose signature base string V8 can make: each of its bytes may take five characters there (`*`, then
 * `%2A` among the normalized parameters, then `%252A`), and the head's share is kept under a MiB. A longer one, within a
 * larger `limits.body`, threw building the base string: a store fault's 503, inviting the client to send it again.
 */
export const LONGEST_SIGNED_FORM = Math.floor((constants.MAX_STRING_LENGTH - 2 ** 20) / 5);

/** A single-part form's text, the only body that carries parameters (§3.4.1.3.1): its bytes must be ASCII. */
function formText(headers: IncomingHttpHeaders, body: Buffer): string {
  if (body.length > LONGEST_SIGNED_FORM) throw new RequestTooLargeError(LONGEST_SIGNED_FORM);
  const form = body.toString('latin1'); // any other byte is refused by the form's parser
  checkFormCharset(headers, form);
  return form;
}

const isEncrypted = (req: IncomingMessage): boolean => (req.socket as { encrypted?: boolean }).encrypted === true;

/** The protector's `publicBaseUrl`, taken apart: its path has no trailing "/". */
export interface PublicBase {
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly path: string;
}

/**
 * The request as the RFC 5849 core takes it. With a public base URL, the base string URI is that URL's
 * scheme and host and its path followed by the request's, and the transport is that URL's scheme.
 */
export function oauthRequestOf(request: HttpRequest, publicBase?: PublicBase): OAuthRequest {
  let { scheme, host, path } = request;
  if (publicBase !== undefined) {
    scheme = publicBase.scheme;
    host = publicBase.host;
    path = publicBase.path + path;
  }
  return {
    method: request.method,
    uri: baseStringUri(scheme, host, path),
    secure: scheme === 'https',
    authorization: request.authorization,
    query: request.query,
    form: request.form,
    body: request.body,
  };
}
