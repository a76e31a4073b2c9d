import { errorResponse } from '../protector/error-response';
import type { OAuthError } from '../rfc5849/errors';
import type { ExpressResponse } from './express-types';

/** Writes an OAuth error response (src/protector/error-response.ts) on an Express response. */
export function renderOAuthError(res: ExpressResponse, error: OAuthError, realm: string): void {
  const response = errorResponse(error, realm);
  res.status(response.status).set(response.headers).json(response.body);
}
