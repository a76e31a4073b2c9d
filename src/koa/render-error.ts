import { closesConnection, responseOf } from '../protector/refusal';
import type { OAuthError } from '../rfc5849/errors';
import type { KoaContext } from './koa-types';

/** Writes a refusal's response (src/protector/refusal.ts) on a Koa context. */
export function renderOAuthError(ctx: KoaContext, error: OAuthError): void {
  const response = responseOf(error);
  ctx.status = response.status;
  ctx.set(response.headers);
  if (closesConnection(error, ctx.req)) ctx.set({ Connection: 'close' });
  ctx.body = response.body ?? '';
}
