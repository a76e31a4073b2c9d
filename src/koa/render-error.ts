import type { Context } from 'koa';
import type { OAuthError } from '../rfc5849/errors';

/** A quoted-string (RFC 9110 §5.6.4): backslash-escape `"` and `\`. */
const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

/**
 * Writes an OAuth error response: JSON `{ error, error_description }`, `Cache-Control: no-store`, the
 * `WWW-Authenticate: OAuth realm=...` challenge (with Problem Reporting parameters) on a 401, and
 * `Retry-After` on a 503. Rendered here rather than thrown, because routing-controllers would turn a
 * thrown middleware error into its own 500 or text body.
 */
export function renderOAuthError(ctx: Context, error: OAuthError, realm: string): void {
  ctx.status = error.status;
  ctx.set('Cache-Control', 'no-store');
  if (error.status === 401) {
    const params = [`realm=${quote(realm)}`];
    for (const [name, value] of Object.entries(error.problem ?? {})) params.push(`${name}=${quote(value)}`);
    ctx.set('WWW-Authenticate', `OAuth ${params.join(', ')}`);
  }
  if ('retryAfterSeconds' in error) ctx.set('Retry-After', String(error.retryAfterSeconds));
  ctx.body = { error: error.code, error_description: error.message };
}
