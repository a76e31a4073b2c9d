/**
 * The response a refusal gets: the error contract's (src/protector/error-response.ts), or what the
 * application's `renderRefusal` hook makes of it (an LTI tool sending the user back to the platform's
 * `launch_presentation_return_url`, a page for browsers). The guard attaches it to the error it throws, out
 * of sight, so that every adapter writes the same response.
 */
import { validateHeaderName, validateHeaderValue, type IncomingMessage } from 'node:http';
import type { HttpRequest } from '../http/http-request';
import { hasBody } from '../http/request-body';
import type { OAuthError } from '../rfc5849/errors';
import { errorResponse, type ErrorResponse } from './error-response';

/** What a refusal hook receives: the error, the contract's response for it, and the request as read (if it could be). */
export interface Refusal {
  error: OAuthError;
  response: ErrorResponse;
  request?: HttpRequest;
}

/** A response of the application's own: its body is JSON when an object, text when a string. */
export interface RefusalResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** Renders a refusal; `undefined` keeps the contract's response. Whatever it throws keeps it too. */
export type RenderRefusal = (refusal: Refusal) => RefusalResponse | undefined;

const RESPONSE = Symbol('routing-controllers-oauth1.response');

/** The response for a refusal, attached to its error (not enumerable: no serializer sends it anywhere). */
export function withResponse(refusal: Refusal, render: RenderRefusal | undefined): OAuthError {
  let response: RefusalResponse = refusal.response;
  try {
    const rendered: unknown = render?.(refusal);
    if (rendered !== undefined && isWritable(rendered)) response = rendered;
  } catch {
    // A rendering hook must never turn a refusal into a 500.
  }
  Object.defineProperty(refusal.error, RESPONSE, { value: response, enumerable: false, configurable: true });
  return refusal.error;
}

/**
 * Whether a hook's answer can be written as a refusal: a 3xx, 4xx or 5xx status (a refusal is never a success) and
 * headers Node will send. Anything else, a promise included (the hook is synchronous), keeps the contract's response:
 * written as it came, it would have been a 500.
 */
function isWritable(value: unknown): value is RefusalResponse {
  if (typeof value !== 'object' || value === null) return false;
  const { status, headers, body } = value as Partial<RefusalResponse>;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 300 || status > 599) return false;
  if (typeof headers !== 'object' || headers === null) return false;
  try {
    for (const [name, header] of Object.entries(headers)) {
      validateHeaderName(name);
      validateHeaderValue(name, header);
    }
    if (body !== undefined && typeof body !== 'string') JSON.stringify(body); // a cycle or a BigInt throws
  } catch {
    return false;
  }
  return true;
}

/**
 * Whether the connection ends with this refusal, whatever response renders it: a 413's (RFC 9110 §15.5.14: the server
 * may close it), and any refusal written before an announced body was read to its end. Kept alive, Node would read the
 * refused body to find the next request: a Content-Length of a terabyte held the connection until requestTimeout
 * (300 s). HTTP/1.x only: HTTP/2 has no such header.
 */
export const closesConnection = (
  error: OAuthError,
  req: Pick<IncomingMessage, 'httpVersionMajor' | 'complete' | 'headers'>,
): boolean => req.httpVersionMajor === 1 && (error.status === 413 || (!req.complete && hasBody(req.headers)));

/** The response to write for a refused request: the one the guard attached, or the contract's. */
export function responseOf(error: OAuthError, realm = ''): RefusalResponse {
  return (error as OAuthError & { [RESPONSE]?: RefusalResponse })[RESPONSE] ?? errorResponse(error, realm);
}
