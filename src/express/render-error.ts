import { closesConnection, responseOf } from '../protector/refusal';
import type { OAuthError } from '../rfc5849/errors';
import type { ExpressResponse } from './express-types';

/**
 * Writes a refusal's response (src/protector/refusal.ts) on an Express response, unless something else has answered
 * already: writing again would throw, and from a promise's handler, where an asynchronous store's answer puts the
 * refusal, that throw would end the process. A response that a request timeout's middleware ended stays as it is; one
 * whose head was sent but not its end (a stream's) is cut off, as Express cuts off a response its error handler
 * cannot answer, rather than left open with nothing more to come.
 */
export function renderOAuthError(res: ExpressResponse, error: OAuthError): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  const { status, headers, body } = responseOf(error);
  res.status(status).set(headers);
  if (closesConnection(error, res.req)) res.set({ Connection: 'close' });
  if (typeof body === 'string' || body === undefined) res.end(body ?? '');
  else res.json(body);
}
