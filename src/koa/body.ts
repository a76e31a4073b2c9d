/**
 * The exact bytes of a request body, read once and bounded.
 *
 * OAuth signs the form body's parameters and hashes other bodies byte for byte, so the verifier must
 * see what was sent, not a parser's idea of it. `oauthBodyParser()` (mounted before routing-controllers)
 * reads the body itself; without it, the guard takes koa-bodyparser's `rawBody` or reads an unread stream.
 */
import type { Context, Middleware } from 'koa';
import { InvalidRequestError, OAuthError, RequestTooLargeError } from '../rfc5849/errors';
import type { MaybePromise } from '../rfc5849/maybe-promise';
import { renderOAuthError } from './render-error';

const RAW_BODY = Symbol('routing-controllers-oauth1.rawBody');

interface BodyCarrier {
  [RAW_BODY]?: Buffer;
  rawBody?: unknown;
  body?: unknown;
}

const carrier = (ctx: Context) => ctx.request as unknown as BodyCarrier;

function hasBody(ctx: Context): boolean {
  const { 'content-length': length, 'transfer-encoding': chunked } = ctx.req.headers;
  return (length !== undefined && length !== '' && length !== '0') || (chunked !== undefined && chunked !== '');
}

/** Reads the request stream up to `limit` bytes; refuses by Content-Length before reading anything. */
function readStream(ctx: Context, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('Content-Length') || 0);
  if (declared > limit) return Promise.reject(new RequestTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const req = ctx.req;
    const done = (error?: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
      if (error) {
        req.resume(); // drain the rest so the connection can answer
        reject(error);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) done(new RequestTooLargeError(limit));
      else chunks.push(chunk);
    };
    const onEnd = () => done();
    // A body cut short is the client's fault: a 400, which a client that is still listening receives.
    const incomplete = () => done(new InvalidRequestError('The request body ended before it was complete.'));
    const onError = incomplete;
    const onAborted = incomplete;
    req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
  });
}

/**
 * The body bytes for verification: those `oauthBodyParser()` kept, koa-bodyparser's `rawBody`, or the
 * unread stream. An empty buffer for a bodiless request.
 */
export function rawBodyOf(ctx: Context, limit: number): MaybePromise<Buffer> {
  const request = carrier(ctx);
  const kept = request[RAW_BODY];
  if (kept) return withinLimit(kept, limit);
  if (typeof request.rawBody === 'string') return keep(request, Buffer.from(request.rawBody, 'utf8'), limit);
  if (hasBody(ctx) && !ctx.req.readableDidRead)
    return readStream(ctx, limit).then((bytes) => keep(request, bytes, limit));
  return keep(request, EMPTY, limit);
}

const EMPTY = Buffer.alloc(0);

function keep(request: BodyCarrier, bytes: Buffer, limit: number): Buffer {
  request[RAW_BODY] = bytes;
  return withinLimit(bytes, limit);
}

function withinLimit(bytes: Buffer, limit: number): Buffer {
  if (bytes.length > limit) throw new RequestTooLargeError(limit);
  return bytes;
}

const JSON_TYPES = ['application/json', 'application/*+json', 'application/csp-report'];
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** A form body as a flat object: one string per name, an array for a repeated name. No nesting. */
function formObject(text: string): Record<string, string | string[]> {
  const body: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of new URLSearchParams(text)) {
    const prior = body[name];
    body[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return body;
}

export interface OAuthBodyParserOptions {
  /** Largest body in bytes; default 64 KiB. Larger ones get 413 `request_too_large`. */
  limit?: number;
}

/**
 * Koa middleware to mount before routing-controllers (`app.use(oauthBodyParser())`, then
 * `useKoaServer(app, ...)`): reads every non-multipart body once, within the limit, keeps the bytes for
 * the OAuth guard, and sets `ctx.request.body` from the same bytes (form: a flat object; JSON: parsed)
 * so that the handler sees exactly what was signed and the driver's koa-bodyparser leaves it alone.
 */
export function oauthBodyParser(options: OAuthBodyParserOptions = {}): Middleware {
  const limit = options.limit ?? 64 * 1024;
  return async (ctx, next) => {
    if (!hasBody(ctx) || ctx.is('multipart')) return next();
    let bytes: Buffer;
    try {
      bytes = await rawBodyOf(ctx, limit);
    } catch (error) {
      if (error instanceof OAuthError) return renderOAuthError(ctx, error, '');
      throw error;
    }
    const request = carrier(ctx);
    request.rawBody = bytes.toString('utf8');
    if (ctx.is(FORM_TYPE)) {
      request.body = formObject(request.rawBody as string);
    } else if (ctx.is(JSON_TYPES)) {
      try {
        request.body = JSON.parse(request.rawBody as string);
      } catch {
        return renderOAuthError(ctx, new InvalidRequestError('The JSON body cannot be parsed.'), '');
      }
    } else {
      request.body = {}; // what koa-bodyparser gives types it does not parse
    }
    return next();
  };
}
