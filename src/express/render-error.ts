import { responseOf } from '../protector/refusal';
import type { OAuthError } from '../rfc5849/errors';
import type { ExpressResponse } from './express-types';

/** Writes a refusal's response (src/protector/refusal.ts) on an Express response. */
export function renderOAuthError(res: ExpressResponse, error: OAuthError, realm?: string): void {
  const { status, headers, body } = responseOf(error, realm);
  res.status(status).set(headers);
  if (typeof body === 'string' || body === undefined) res.end(body ?? '');
  else res.json(body);
}
