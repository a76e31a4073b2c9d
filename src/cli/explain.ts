/**
 * `routing-controllers-oauth1 explain` (and `sign --explain`): what a server computes for a request's
 * signature, as a `SignatureReport` in the layout the guard logs when it refuses a signature in development
 * mode.
 *
 * Built from the core's own functions (§3.4.1.3 parameter sources and normalization, §3.4.1.2 base string
 * URI, §3.4.1.1 base string), so a developer can compare it line by line with what a client computed.
 */
import {
  baseStringUri,
  collectParameters,
  InvalidRequestError,
  isOAuthScheme,
  OAuthError,
  parameters,
  parseAuthorizationHeader,
  parseFormEncoded,
  signatureBaseString,
  type Parameter,
  type SignatureReport,
} from '../core';
import { normalizedPairs } from '../rfc5849/base-string';
import { UsageError } from './arguments';

/** A request as it goes over the wire, taken apart the way the Koa adapter takes it apart. */
export interface ExplainInput {
  /** HTTP method (uppercased in the base string). */
  method: string;
  /** `http` or `https`. */
  scheme: string;
  /** Host, with the port when there is one (as in the `Host` header). */
  host: string;
  /** Path of the request target, as sent (still percent-encoded); '' means '/'. */
  path: string;
  /** Raw query string, without '?'. */
  query: string;
  /** Value of the `Authorization` header ('OAuth ...'), if any. */
  authorization?: string;
  /** Raw `application/x-www-form-urlencoded` body, if any. */
  form?: string;
  /** More form parameters, decoded (literal) names and values: sent percent-encoded after `form`. */
  data?: readonly (readonly [name: string, value: string])[];
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };
const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/;
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;

/**
 * The report, with what a server would refuse before computing a signature (malformed header, bad
 * percent-encoding, protocol parameters repeated or in two places) as a usage error, in the server's words.
 */
export function explainReport(input: ExplainInput): SignatureReport {
  try {
    return explainRequest(input);
  } catch (error) {
    if (error instanceof OAuthError) throw new UsageError(error.message);
    throw error;
  }
}

/** Runs a parser and prefixes its error with where the input came from, unless the message already says so. */
function parsing<T>(where: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof OAuthError && !error.message.startsWith(`The ${where}`)) {
      const why = error.message.replace(/^A /, 'a ').replace(/\.$/, '');
      throw new InvalidRequestError(`The ${where} is malformed: ${why}.`);
    }
    throw error;
  }
}

/**
 * What the server computes for the request (§3.4.1): base string URI, normalized parameters (header minus
 * realm, query, form body; `oauth_signature` excluded) and signature base string, with hints about likely
 * mistakes.
 */
function explainRequest(input: ExplainInput): SignatureReport {
  let header: Parameter[] | undefined;
  if (input.authorization !== undefined) {
    const value = input.authorization.trim();
    if (!isOAuthScheme(value)) {
      throw new InvalidRequestError(
        "The Authorization header does not use the OAuth scheme (it must start with 'OAuth '); a server ignores it.",
      );
    }
    header = parsing('Authorization header', () => parseAuthorizationHeader(value).params);
  }
  const query = parsing('query string', () => parseFormEncoded(input.query));
  let form: Parameter[] | undefined;
  if (input.form !== undefined || (input.data !== undefined && input.data.length > 0)) {
    form = [...(input.form === undefined ? [] : parsing('form body', () => parseFormEncoded(input.form as string)))];
    form.push(...parameters(input.data ?? []));
  }
  const { all, oauth } = collectParameters({ header, query, form });

  const uri = baseStringUri(input.scheme, input.host, input.path);
  return {
    method: input.method.toUpperCase(),
    uri,
    parameters: normalizedPairs(all),
    baseString: signatureBaseString(input.method, uri, all),
    hints: hintsFor(input, all, oauth.size > 0),
  };
}

function hintsFor(input: ExplainInput, all: readonly Parameter[], hasOAuth: boolean): string[] {
  const hints: string[] = [];
  if (!hasOAuth) {
    hints.push(
      'the request has no oauth_ parameters: this is the base string of the given parameters alone; ' +
        'a signed request adds its protocol parameters (all but oauth_signature)',
    );
  }
  const port = portOf(input.host);
  if (port !== undefined && port !== DEFAULT_PORTS[input.scheme.toLowerCase()]) {
    hints.push(
      `the URL has a non-default port (${port}), which is signed: the server must see the same port ` +
        '(check proxies and the Host header)',
    );
  }
  if (DOT_SEGMENT.test(input.path)) {
    hints.push('the path has dot segments (. or ..), which most clients remove before sending: sign the path as sent');
  }
  const twice = new Set<string>();
  // Named encoded, as the parameter list shows them: a decoded name could end the line, or drive the terminal.
  for (const { name, value, encodedName } of all) {
    if (name !== 'oauth_signature' && (PERCENT_ESCAPE.test(name) || PERCENT_ESCAPE.test(value))) twice.add(encodedName);
  }
  if (twice.size > 0) {
    hints.push(`a value still contains %XX after decoding: encoded twice? (${[...twice].join(', ')})`);
  }
  return hints;
}

/** The port of a `host[:port]` authority, IPv6 literals included; undefined when there is none. */
function portOf(host: string): string | undefined {
  const colon = host.lastIndexOf(':');
  return colon > host.lastIndexOf(']') ? host.slice(colon + 1) : undefined;
}
