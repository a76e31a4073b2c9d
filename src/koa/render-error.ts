import type { Context } from 'koa';
import { responseOf } from '../protector/refusal';
import type { OAuthError } from '../rfc5849/errors';

/** Writes a refusal's response (src/protector/refusal.ts) on a Koa context. */
export function renderOAuthError(ctx: Context, error: OAuthError, realm?: string): void {
  const response = responseOf(error, realm);
  ctx.status = response.status;
  ctx.set(response.headers);
  ctx.body = response.body ?? '';
}
