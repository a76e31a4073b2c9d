/**
 * RFC 9112 §3.2.1 origin-form request targets: `absolute-path [ "?" query ]`, in the characters RFC 3986
 * allows there. Node's parser lets any printable ASCII through; a character with a meaning elsewhere in a
 * URI (`#` starts a fragment, which some readers cut the target at) or none in one (`"`, `<`, `>`) is
 * refused, as is a malformed escape in the path, or one that does not spell UTF-8: frameworks decode route
 * parameters from it, and differ on such escapes (Express refuses them, @koa/router passes them on undecoded).
 * Decoding the query is the parameter parser's job.
 *
 * WHATWG URL serializers (browsers, fetch) leave `[ ] { } | \ ^` and the backquote unescaped in paths and
 * queries; they delimit nothing there, every reader takes them as themselves, and they are accepted.
 */
import { decodesAsUtf8 } from '../rfc5849/encoding';
import { InvalidRequestError } from '../rfc5849/errors';

/** Printable ASCII without `"`, `#`, `<`, `>`. */
const TARGET = /^\/[\x21\x24-\x3b\x3d\x3f-\x7e]*$/;
const MALFORMED_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

export interface RequestTarget {
  /** The path as sent, still percent-encoded. */
  path: string;
  /** The raw query, without "?"; empty when there is none. */
  query: string;
}

export function parseRequestTarget(target: string): RequestTarget {
  if (!TARGET.test(target)) {
    throw new InvalidRequestError(
      'The request target must be an absolute path and query in the characters RFC 3986 allows.',
    );
  }
  const queryAt = target.indexOf('?');
  const path = queryAt < 0 ? target : target.slice(0, queryAt);
  if (MALFORMED_ESCAPE.test(path)) throw new InvalidRequestError('The request path has a malformed percent-escape.');
  if (path.includes('%') && !decodesAsUtf8(path)) {
    throw new InvalidRequestError('The request path has percent-escapes that are not UTF-8.');
  }
  return { path, query: queryAt < 0 ? '' : target.slice(queryAt + 1) };
}
