import { responseOf } from '../protector/refusal';
import type { OAuthError } from '../rfc5849/errors';
import type { ExpressResponse } from './express-types';

/**
 * Writes a refusal's response (src/protector/refusal.ts) on an Express response, unless something else (a request
 * timeout's middleware) has answered already: writing again would throw, and from a promise's handler, where an
 * asynchronous store's answer puts the refusal, that throw would end the process.
 */
export function renderOAuthError(res: ExpressResponse, error: OAuthError, realm?: string): void {
  if (res.headersSent) return;
  const { status, headers, body } = responseOf(error, realm);
  res.status(status).set(headers);
  if (typeof body === 'string' || body === undefined) res.end(body ?? '');
  else res.json(body);
}
