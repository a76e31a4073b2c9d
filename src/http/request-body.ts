/**
 * The exact bytes of a request body, read once and bounded.
 *
 * OAuth signs a form body's parameters and hashes other bodies byte for byte, so the verifier must see what
 * was sent, not a parser's idea of it. Whoever reads the stream first (a body parser mounted before the
 * routes, or the guard) keeps the bytes here, by request, for every later reader.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { InvalidRequestError, RequestTooLargeError } from '../rfc5849/errors';
import type { MaybePromise } from '../rfc5849/maybe-promise';
import { requestSlot } from './request-slot';

const kept = requestSlot<Buffer>('body');

/** The bytes of a request that announces no body. */
export const NO_BODY = Buffer.alloc(0);

/** Whether a request with these headers announces a body (RFC 9112 §6.3). */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  const { 'content-length': length, 'transfer-encoding': chunked } = headers;
  return (length !== undefined && length !== '' && length !== '0') || (chunked !== undefined && chunked !== '');
}

/** Keeps bytes that another reader took from the stream (a framework's parser), for the guard. */
export function keepBody(req: IncomingMessage, bytes: Buffer): void {
  kept.set(req, bytes);
}

/** The bytes kept for a request, if its body was read. */
export function keptBody(req: IncomingMessage): Buffer | undefined {
  return kept.get(req);
}

/**
 * The body's bytes: those kept, or the unread stream read now up to `limit` (413 beyond it, by
 * `Content-Length` before reading a byte). Empty for a bodiless request. Undefined when someone else has
 * read the stream without keeping its bytes.
 */
export function readBody(req: IncomingMessage, limit: number): MaybePromise<Buffer> | undefined {
  if (!hasBody(req.headers)) return NO_BODY;
  const coding = req.headers['transfer-encoding'];
  // Node undoes `chunked` alone: with another coding before it (`gzip, chunked`) the bytes are still coded, and
  // would be verified and read as the body (RFC 9112 §6.1 asks a server to refuse a coding it does not know).
  if (coding !== undefined && coding.trim().toLowerCase() !== 'chunked') {
    throw new InvalidRequestError('The request body has a transfer coding other than chunked.');
  }
  const bytes = kept.get(req);
  if (bytes !== undefined) return withinLimit(bytes, limit);
  if (req.readableDidRead || req.readableEnded) return undefined;
  // A client that went away while a middleware before this one waited: its stream will never emit again.
  if (req.destroyed) throw incomplete();
  return readStream(req, limit).then((read) => (kept.set(req, read), read));
}

/** The bytes, or a 413 when there are more than `limit`. */
export function withinLimit(bytes: Buffer, limit: number): Buffer {
  if (bytes.length > limit) throw new RequestTooLargeError(limit);
  return bytes;
}

const incomplete = () => new InvalidRequestError('The request body ended before it was complete.');

function readStream(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] || 0);
  if (declared > limit) return Promise.reject(new RequestTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error?: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', onIncomplete).off('aborted', onIncomplete);
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
    const onIncomplete = () => done(incomplete());
    req.on('data', onData).on('end', onEnd).on('error', onIncomplete).on('aborted', onIncomplete);
  });
}
