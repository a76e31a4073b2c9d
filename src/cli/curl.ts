/**
 * The curl command that `routing-controllers-oauth1 sign` prints: it sends exactly the signed request.
 */
import type { PrintedRequest } from './sign';

/** One POSIX shell word: single quotes, each embedded quote as '\''. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A curl command line that sends exactly the signed request, one option per line. */
export function curlCommand(request: PrintedRequest): string {
  // -q (first, or curl ignores it): no ~/.curlrc, whose `request = PUT` or headers would change the signed request.
  // --globoff: brackets and braces in the URL are characters, not curl's URL patterns. --silent --show-error:
  // no progress meter (curl draws one on stderr whenever its output is piped), but errors still.
  const parts: string[] = ['curl -q --globoff --silent --show-error'];
  if (request.method === 'HEAD') parts.push('--head');
  else if (request.method !== (request.body === undefined ? 'GET' : 'POST')) parts.push(`-X ${request.method}`);
  parts.push(`-H ${shellQuote(`Authorization: ${request.authorization}`)}`);
  if (request.contentType !== undefined) parts.push(`-H ${shellQuote(`Content-Type: ${request.contentType}`)}`);
  // Never "@file": a form body is percent-encoded ("@" is %40) and JSON cannot start with "@".
  if (request.body !== undefined) parts.push(`--data-binary ${shellQuote(request.body)}`);
  parts.push(shellQuote(request.url));
  return parts.join(' \\\n  ');
}
