/**
 * The arguments of `routing-controllers-oauth1 sign`, read and checked: anything the signer would refuse is a
 * usage error here, with the option's name in it.
 */
import { OAuthError, parseFormEncoded, STANDARD_SIGNATURE_METHODS } from '../core';
import { PLAIN_REALM } from '../rfc5849/authorization-header';
import { CONTROL_CHARACTER } from '../rfc5849/protocol-parameters';
import { checkMethodAndUrl, parseUrl, scanArguments, UsageError, type Pair } from './arguments';
import { readCredentials, type SignCredentials } from './sign-credentials';

export interface SignArguments extends SignCredentials {
  method: string;
  url: URL;
  consumerKey: string;
  /** One of the core's signature methods, by its exact name. */
  signatureMethod: string;
  realm?: string;
  /** Form parameters, decoded (literal) names and values. */
  data: Pair[];
  json?: string;
  headerOnly: boolean;
  /** Also print the `explain` report of the signed request (on stderr). */
  explain: boolean;
  /** Hidden, for tests and reproducible examples. */
  timestamp?: number;
  nonce?: string;
}

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const VALUE_OPTIONS = [
  '--consumer-key',
  '--consumer-secret',
  '--token',
  '--token-secret',
  '--signature-method',
  '--private-key',
  '--realm',
  '--data',
  '--json',
  '--timestamp',
  '--nonce',
] as const;

/** Parses the arguments that follow `sign`. Throws UsageError for anything wrong. */
export function parseSignArguments(argv: readonly string[], env: NodeJS.ProcessEnv = {}): SignArguments {
  const { positional, single, data, flags } = scanArguments(
    argv,
    VALUE_OPTIONS,
    ['--header-only', '--explain'],
    (name) => `Unknown option ${name}.`,
  );
  checkMethodAndUrl(positional);
  const method = positional[0].toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    throw new UsageError(`Unknown HTTP method '${positional[0]}'; use one of ${HTTP_METHODS.join(', ')}.`);
  }
  const url = parseUrl(positional[1]);
  for (const [name] of queryParameters(url)) {
    if (name.startsWith('oauth_')) {
      throw new UsageError(`The URL's query has ${name}: oauth_ parameters are the tool's to set.`);
    }
  }

  const consumerKey = single.get('--consumer-key');
  if (consumerKey === undefined || consumerKey === '') throw new UsageError('--consumer-key is required.');

  // Names are case-sensitive, as the core and every server compare them (RFC 5849 §3.4.1).
  const signatureMethod = single.get('--signature-method') ?? 'HMAC-SHA1';
  const signer = STANDARD_SIGNATURE_METHODS.get(signatureMethod);
  if (!signer) {
    const names = [...STANDARD_SIGNATURE_METHODS.keys()].join(', ');
    throw new UsageError(`Unknown signature method '${signatureMethod}'; use one of ${names}.`);
  }
  const credentials = readCredentials(single, env, signatureMethod, signer);

  const realm = single.get('--realm');
  if (realm !== undefined && !PLAIN_REALM.test(realm)) {
    throw new UsageError('--realm must be printable ASCII without double quotes or backslashes.');
  }

  const json = single.get('--json');
  if (method === 'HEAD' && (json !== undefined || data.length > 0)) {
    throw new UsageError('A HEAD request cannot have a body (--data or --json).');
  }
  if (json !== undefined) {
    if (data.length > 0) throw new UsageError('--data and --json cannot be used together.');
    try {
      JSON.parse(json);
    } catch {
      throw new UsageError('--json is not valid JSON.');
    }
  }
  for (const [name] of data) {
    if (name.startsWith('oauth_')) throw new UsageError(`--data ${name}: oauth_ parameters are the tool's to set.`);
  }

  const timestamp = single.get('--timestamp');
  if (timestamp !== undefined && !/^[1-9][0-9]{0,11}$/.test(timestamp)) {
    throw new UsageError('--timestamp must be a number of seconds.');
  }
  const nonce = single.get('--nonce');
  if (nonce !== undefined && (nonce === '' || CONTROL_CHARACTER.test(nonce))) {
    throw new UsageError('--nonce must be a non-empty string without control characters.');
  }

  return {
    method,
    url,
    consumerKey,
    ...credentials,
    signatureMethod,
    realm,
    data,
    json,
    headerOnly: flags.has('--header-only'),
    explain: flags.has('--explain'),
    timestamp: timestamp === undefined ? undefined : Number(timestamp),
    nonce,
  };
}

/** The query as the guard reads it (§3.4.1.3.1, form-decoded once, strictly). */
function queryParameters(url: URL): Pair[] {
  try {
    return parseFormEncoded(url.search.slice(1)).map((p): Pair => [p.name, p.value]);
  } catch (error) {
    if (error instanceof OAuthError) throw new UsageError(`The URL's query is malformed: ${error.message}`);
    throw error;
  }
}
