import type { Context } from 'koa';
import type { OAuthError } from '../rfc5849/errors';
import { errorResponse } from '../protector/error-response';

/** Writes an OAuth error response (src/protector/error-response.ts) on a Koa context. */
export function renderOAuthError(ctx: Context, error: OAuthError, realm: string): void {
  const response = errorResponse(error, realm);
  ctx.status = response.status;
  ctx.set(response.headers);
  ctx.body = response.body;
}
