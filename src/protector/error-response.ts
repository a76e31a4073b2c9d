/**
 * An OAuth error as an HTTP response, the same on every framework: JSON `{ error, error_description }`,
 * `Cache-Control: no-store`, `X-Content-Type-Options: nosniff`, the `WWW-Authenticate: OAuth realm=...`
 * challenge (with Problem Reporting parameters) on a 401, and `Retry-After` on a 503. Adapters write it as
 * it is: routing-controllers would turn a thrown middleware error into its own 500 or text body.
 */
import type { OAuthError } from '../rfc5849/errors';

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error: string; error_description: string };
}

/** A quoted-string (RFC 9110 §5.6.4): backslash-escape `"` and `\`. */
const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

export function errorResponse(error: OAuthError, realm: string): ErrorResponse {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
  if (error.status === 401) {
    const params = [`realm=${quote(realm)}`];
    for (const [name, value] of Object.entries(error.problem ?? {})) params.push(`${name}=${quote(value)}`);
    headers['WWW-Authenticate'] = `OAuth ${params.join(', ')}`;
  }
  if ('retryAfterSeconds' in error) headers['Retry-After'] = String(error.retryAfterSeconds);
  return { status: error.status, headers, body: { error: error.code, error_description: error.message } };
}
