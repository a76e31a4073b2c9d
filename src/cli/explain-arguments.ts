/**
 * The arguments of `routing-controllers-oauth1 explain`, and the request URL taken apart as a server sees it.
 */
import { decodesAsUtf8 } from '../rfc5849/encoding';
import { checkMethodAndUrl, parseUrl, scanArguments, UsageError } from './arguments';
import type { ExplainInput } from './explain';

const VALUE_OPTIONS = ['--header', '--authorization', '--form', '--data'] as const;

/** RFC 9110 §5.6.2 token: what an HTTP method may be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Printable ASCII without space: what a request target may hold unescaped. */
const REQUEST_TARGET = /^[\x21-\x7e]*$/;

/** Parses the arguments that follow `explain`. Throws UsageError for anything wrong. */
export function parseExplainArguments(argv: readonly string[]): ExplainInput {
  const { positional, single, data } = scanArguments(
    argv,
    VALUE_OPTIONS,
    [],
    (name) => `Unknown option ${name} for explain.`,
  );

  checkMethodAndUrl(positional);
  if (!TOKEN.test(positional[0])) throw new UsageError(`'${positional[0]}' is not an HTTP method.`);

  let authorization = single.get('--authorization');
  const header = single.get('--header');
  if (header !== undefined) {
    if (authorization !== undefined) throw new UsageError('--header and --authorization cannot be used together.');
    const colon = header.indexOf(':');
    if (colon < 0 || header.slice(0, colon).trim().toLowerCase() !== 'authorization') {
      throw new UsageError(`--header takes the Authorization header, 'Authorization: OAuth ...'.`);
    }
    authorization = header.slice(colon + 1);
  }

  return {
    method: positional[0].toUpperCase(),
    ...splitRequestUrl(positional[1]),
    authorization,
    form: single.get('--form'),
    data,
  };
}

/**
 * Scheme, host, path and query of a URL for `explain`. The host is the one a client puts in the `Host`
 * header (WHATWG-parsed: lowercase, punycode, no default port); path and query are taken as given, not
 * re-encoded, since the server signs the request target exactly as it arrives.
 */
export function splitRequestUrl(text: string): Pick<ExplainInput, 'scheme' | 'host' | 'path' | 'query'> {
  const url = parseUrl(text);
  // WHATWG URLs read "\" as "/" before the query, where the split below would read it as part of the host.
  if (/^[^?#]*\\/.test(text)) {
    throw new UsageError(`The URL has a backslash before its query: write "/" or "%5C", as the client sends it.`);
  }
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*([^?#]*)(?:\?([^#]*))?/.exec(text.trim());
  if (!match) throw new UsageError(`'${text}' is not an absolute URL.`);
  const [, path, query = ''] = match;
  if (!REQUEST_TARGET.test(path) || !REQUEST_TARGET.test(query)) {
    throw new UsageError(
      `The URL has a space, a control character or a non-ASCII character in its path or query: ` +
        `percent-encode it as the client sends it (for example ${url.pathname}${url.search}).`,
    );
  }
  if (!decodesAsUtf8(path)) {
    throw new UsageError(
      "The URL's path has a malformed percent-escape, or escapes that are not UTF-8: a server refuses it unsigned.",
    );
  }
  return { scheme: url.protocol.slice(0, -1), host: url.host, path, query };
}
