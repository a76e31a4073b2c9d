/**
 * `routing-controllers-oauth1 sign`: signs one OAuth 1.0a request (RFC 5849) and prints a ready-to-paste
 * `curl` command, or only the `Authorization` header value.
 * `routing-controllers-oauth1 explain`: prints what a server computes for a request's signature (base string
 * URI, normalized parameters, base string), in the layout the guard logs; the core is in explain-command.ts.
 *
 * Pure apart from the injected clock, random source, file reader and environment: `runCli()` takes the
 * arguments and returns the text to print and the exit code; `main.ts` does the printing. Built on the
 * library's own protocol core (§3.4.1 base string, §3.6 encoding), so what it signs is what the guard checks.
 */
import { createHash, createHmac, createPrivateKey, createSign, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { baseStringUri, signatureBaseString } from '../rfc5849/base-string';
import { percentEncode } from '../rfc5849/encoding';
import { OAuthError } from '../rfc5849/errors';
import { parseFormEncoded } from '../rfc5849/form-encoded';
import { parameters } from '../rfc5849/parameter';

/** A name and value, decoded (literal). */
type Pair = [name: string, value: string];
import { formatSignatureReport, type SignatureReport } from '../rfc5849/diagnosis';
import { explainRequest, type ExplainInput } from './explain-command';

export const PROGRAM = 'routing-controllers-oauth1';

/** A mistake in the command line: printed on stderr with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Digest = 'sha1' | 'sha256' | 'sha512';

interface MethodSpec {
  kind: 'hmac' | 'rsa' | 'plaintext';
  /** Digest of the signature, and of `oauth_body_hash` when this method signs the request. */
  digest: Digest;
}

export const SIGNATURE_METHODS: Readonly<Record<string, MethodSpec>> = {
  'HMAC-SHA1': { kind: 'hmac', digest: 'sha1' },
  'HMAC-SHA256': { kind: 'hmac', digest: 'sha256' },
  'HMAC-SHA512': { kind: 'hmac', digest: 'sha512' },
  'RSA-SHA1': { kind: 'rsa', digest: 'sha1' },
  'RSA-SHA256': { kind: 'rsa', digest: 'sha256' },
  'RSA-SHA512': { kind: 'rsa', digest: 'sha512' },
  // The body hash extension leaves PLAINTEXT undefined; SHA-1 is what implementations (and the guard) use.
  PLAINTEXT: { kind: 'plaintext', digest: 'sha1' },
};

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export const HELP = `Usage: ${PROGRAM} sign [options] METHOD URL
       ${PROGRAM} explain [options] METHOD URL

Signs one OAuth 1.0a (RFC 5849) request and prints a curl command that sends it.
The command carries a fresh timestamp and nonce: it is good for one use, within the
server's timestamp window (usually a few minutes).

Arguments:
  METHOD                      GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS
  URL                         absolute http:// or https:// URL; its query parameters are signed too

Options:
  --consumer-key KEY          client (consumer) key (required)
  --consumer-secret SECRET    client secret, for HMAC-* and PLAINTEXT
                              (or the environment variable OAUTH1_CONSUMER_SECRET)
  --token TOKEN               token credential (omit for a request without a token)
  --token-secret SECRET       token secret, for HMAC-* and PLAINTEXT when --token is given
                              (or the environment variable OAUTH1_TOKEN_SECRET)
  --signature-method NAME     HMAC-SHA1 (default), HMAC-SHA256, HMAC-SHA512, PLAINTEXT,
                              RSA-SHA1, RSA-SHA256 or RSA-SHA512
  --private-key FILE          PEM RSA private key (unencrypted), for RSA-*
  --realm REALM               realm="REALM" in the Authorization header (never signed)
  --data NAME=VALUE           a form parameter; repeat for more. Sent as
                              application/x-www-form-urlencoded and signed parameter by
                              parameter. NAME and VALUE are taken literally (the tool
                              percent-encodes them): --data 'q=a b&c' sends q=a%20b%26c
  --json BODY                 a JSON body, sent as application/json with oauth_body_hash
                              (SHA-1 for *-SHA1 and PLAINTEXT, SHA-256 for *-SHA256,
                              SHA-512 for *-SHA512)
  --header-only               print only the Authorization header value
  --explain                   also print on stderr what a server computes for the signed
                              request (the report of explain, below)
  -h, --help                  show this help

  A flag wins over its environment variable. Options also take the form --name=value.

${PROGRAM} explain [options] METHOD URL

Prints what a server computes for a request's signature, in the layout the server
logs when it refuses a signature in development mode: the method, the base string URI
(scheme and host lowercased, default port dropped, path as given), the normalized
parameters one per line (Authorization header minus realm, query, form body;
oauth_signature left out) and the signature base string, then hints about likely
mistakes. Compare it line by line with what your client signed. A request without
oauth_ parameters is explained too: the base string of the parameters given.

Options:
  --header 'Authorization: OAuth ...'
                              the request's Authorization header, name included
  --authorization 'OAuth ...' the same, the value only
  --form BODY                 the raw application/x-www-form-urlencoded body, as sent
                              (for example 'c2&a3=2+q')
  --data NAME=VALUE           a form parameter taken literally, as for sign; repeat for more

  METHOD is any HTTP method. The URL is taken as the client sends it: its path and
  query are not re-encoded (percent-encode spaces and other characters yourself).

Exit status: 0 on success, 2 for invalid arguments or a request that a server
would refuse before checking its signature (malformed Authorization header, bad
percent-encoding, protocol parameters repeated or in more than one place).

Examples:
  OAUTH1_CONSUMER_SECRET=demo-client-secret OAUTH1_TOKEN_SECRET=demo-token-secret \\
    ${PROGRAM} sign --consumer-key demo-client --token demo-token \\
    GET http://127.0.0.1:3000/api/me

  ${PROGRAM} sign --consumer-key rsa-client --token rsa-token \\
    --signature-method RSA-SHA256 --private-key client.pem \\
    POST http://127.0.0.1:3000/api/notes --json '{"text":"hi"}'

  ${PROGRAM} explain --form 'c2&a3=2+q' \\
    --header 'Authorization: OAuth oauth_consumer_key="9djdj82h48djs9d2", oauth_nonce="7d8f3e4a"' \\
    POST 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b'
`;

export interface SignArguments {
  method: string;
  url: URL;
  consumerKey: string;
  consumerSecret?: string;
  token?: string;
  tokenSecret?: string;
  signatureMethod: string;
  /** Path of the PEM private key, for RSA-*. */
  privateKeyFile?: string;
  realm?: string;
  /** Form parameters, decoded (literal) names and values. */
  data: Pair[];
  json?: string;
  headerOnly: boolean;
  /** Also print the `explain` report of the signed request (on stderr). */
  explain: boolean;
  /** Hidden, for tests and reproducible examples. */
  timestamp?: string;
  nonce?: string;
}

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

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\x00-\x1f\x7f]/;

/** Parses the arguments that follow `sign`. Throws UsageError for anything wrong. */
export function parseSignArguments(argv: readonly string[], env: NodeJS.ProcessEnv = {}): SignArguments {
  const { positional, single, data, flags } = scanArguments(
    argv,
    VALUE_OPTIONS,
    ['--header-only', '--explain'],
    (name) => `Unknown option ${name}.`,
  );
  const headerOnly = flags.has('--header-only');
  const explain = flags.has('--explain');

  checkMethodAndUrl(positional);

  const method = positional[0].toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    throw new UsageError(`Unknown HTTP method '${positional[0]}'; use one of ${HTTP_METHODS.join(', ')}.`);
  }
  const url = parseUrl(positional[1]);

  const consumerKey = single.get('--consumer-key');
  if (consumerKey === undefined || consumerKey === '') throw new UsageError('--consumer-key is required.');

  const signatureMethod = single.get('--signature-method') ?? 'HMAC-SHA1';
  const spec = SIGNATURE_METHODS[signatureMethod.toUpperCase()];
  if (!spec) {
    throw new UsageError(
      `Unknown signature method '${signatureMethod}'; use one of ${Object.keys(SIGNATURE_METHODS).join(', ')}.`,
    );
  }

  const token = single.get('--token');
  if (token === '') throw new UsageError('--token must not be empty.');
  if (single.has('--token-secret') && token === undefined) throw new UsageError('--token-secret needs --token.');

  const privateKeyFile = single.get('--private-key');
  let consumerSecret: string | undefined;
  let tokenSecret: string | undefined;
  if (spec.kind === 'rsa') {
    if (privateKeyFile === undefined) throw new UsageError(`${signatureMethod} needs --private-key FILE.`);
  } else {
    if (privateKeyFile !== undefined) throw new UsageError('--private-key is only used with the RSA-* methods.');
    consumerSecret = single.get('--consumer-secret') ?? env.OAUTH1_CONSUMER_SECRET;
    if (consumerSecret === undefined) {
      throw new UsageError(
        `${signatureMethod} needs the consumer secret: --consumer-secret or OAUTH1_CONSUMER_SECRET.`,
      );
    }
    if (token !== undefined) {
      tokenSecret = single.get('--token-secret') ?? env.OAUTH1_TOKEN_SECRET;
      if (tokenSecret === undefined) {
        throw new UsageError(`${signatureMethod} needs the token secret: --token-secret or OAUTH1_TOKEN_SECRET.`);
      }
    }
  }

  const realm = single.get('--realm');
  if (realm !== undefined && !/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/.test(realm)) {
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
    if (name.startsWith('oauth_')) {
      throw new UsageError(`--data ${name}: oauth_ parameters are the tool's to set.`);
    }
  }

  const timestamp = single.get('--timestamp');
  if (timestamp !== undefined && !/^[0-9]{1,12}$/.test(timestamp)) {
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
    consumerSecret,
    token,
    tokenSecret,
    signatureMethod: signatureMethod.toUpperCase(),
    privateKeyFile,
    realm,
    data,
    json,
    headerOnly,
    explain,
    timestamp,
    nonce,
  };
}

function parseUrl(text: string, forSigning = true): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`'${text}' is not an absolute URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`The URL must be http:// or https://, got ${url.protocol}//.`);
  }
  if (url.username || url.password) throw new UsageError('The URL must not contain a user name or password.');
  url.hash = ''; // never sent, never signed
  if (!forSigning) return url;
  for (const [name] of queryParameters(url)) {
    if (name.startsWith('oauth_')) {
      throw new UsageError(`The URL's query has ${name}: oauth_ parameters are the tool's to set.`);
    }
  }
  return url;
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

const EXPLAIN_VALUE_OPTIONS = ['--header', '--authorization', '--form', '--data'] as const;

/** RFC 9110 §5.6.2 token: what an HTTP method may be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Printable ASCII without space: what a request target may hold unescaped. */
const REQUEST_TARGET = /^[\x21-\x7e]*$/;

/** Parses the arguments that follow `explain`. Throws UsageError for anything wrong. */
export function parseExplainArguments(argv: readonly string[]): ExplainInput {
  const { positional, single, data } = scanArguments(
    argv,
    EXPLAIN_VALUE_OPTIONS,
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
function splitRequestUrl(text: string): Pick<ExplainInput, 'scheme' | 'host' | 'path' | 'query'> {
  const url = parseUrl(text, false);
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*([^?#]*)(?:\?([^#]*))?/.exec(text.trim());
  if (!match) throw new UsageError(`'${text}' is not an absolute URL.`);
  const [, path, query = ''] = match;
  if (!REQUEST_TARGET.test(path) || !REQUEST_TARGET.test(query)) {
    throw new UsageError(
      `The URL has a space, a control character or a non-ASCII character in its path or query: ` +
        `percent-encode it as the client sends it (for example ${url.pathname}${url.search}).`,
    );
  }
  return { scheme: url.protocol.slice(0, -1), host: url.host, path, query };
}

/** The report of `explain`, with the server's own errors (malformed input) as usage errors. */
function explainReport(input: ExplainInput): SignatureReport {
  try {
    return explainRequest(input);
  } catch (error) {
    if (error instanceof OAuthError) throw new UsageError(error.message);
    throw error;
  }
}

/** The `explain` input for a request that `sign` built: the request as curl sends it. */
function signedRequestInput(request: SignedRequest): ExplainInput {
  return {
    method: request.method,
    ...splitRequestUrl(request.url),
    authorization: request.authorization,
    form: request.contentType === 'application/x-www-form-urlencoded' ? request.body : undefined,
  };
}

/** What the tool needs from the outside world; injected so that signing is reproducible in tests. */
export interface SignDependencies {
  /** Seconds since the epoch. */
  now(): number;
  nonce(): string;
  readFile(path: string): string;
}

export const defaultDependencies: SignDependencies = {
  now: () => Math.floor(Date.now() / 1000),
  nonce: () => randomBytes(16).toString('hex'),
  readFile: (path) => readFileSync(path, 'utf8'),
};

export interface SignedRequest {
  method: string;
  /** The URL to send, without fragment. */
  url: string;
  /** Value of the `Authorization` header. */
  authorization: string;
  contentType?: string;
  body?: string;
  /** The §3.4.1 signature base string, for debugging. */
  baseString: string;
  /** Things worth telling the user on stderr. */
  warnings: string[];
}

function loadPrivateKey(file: string, readFile: SignDependencies['readFile']): KeyObject {
  let pem: string;
  try {
    pem = readFile(file);
  } catch (error) {
    throw new UsageError(`Cannot read --private-key ${file}: ${(error as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new UsageError(`--private-key ${file} is not an unencrypted PEM private key.`);
  }
  if (key.asymmetricKeyType !== 'rsa') throw new UsageError(`--private-key ${file} is not an RSA key.`);
  return key;
}

/** Builds and signs the request (§3.1 to §3.5.1). */
export function signRequest(args: SignArguments, deps: SignDependencies = defaultDependencies): SignedRequest {
  const spec = SIGNATURE_METHODS[args.signatureMethod];
  const warnings: string[] = [];
  const privateKey = spec.kind === 'rsa' ? loadPrivateKey(args.privateKeyFile as string, deps.readFile) : undefined;

  const oauth: [string, string][] = [
    ['oauth_consumer_key', args.consumerKey],
    ['oauth_nonce', args.nonce ?? deps.nonce()],
    ['oauth_signature_method', args.signatureMethod],
    ['oauth_timestamp', args.timestamp ?? String(deps.now())],
  ];
  if (args.token !== undefined) oauth.push(['oauth_token', args.token]);
  oauth.push(['oauth_version', '1.0']);

  let body: string | undefined;
  let contentType: string | undefined;
  if (args.json !== undefined) {
    body = args.json;
    contentType = 'application/json';
    const bodyHash = createHash(spec.digest).update(body, 'utf8').digest('base64');
    oauth.push(['oauth_body_hash', bodyHash]);
  } else if (args.data.length > 0) {
    body = args.data.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&');
    contentType = 'application/x-www-form-urlencoded';
  }
  if (body !== undefined && args.method === 'GET') {
    warnings.push('a GET request with a body: many servers ignore or refuse it.');
  }

  const scheme = args.url.protocol.slice(0, -1);
  const uri = baseStringUri(scheme, args.url.host, args.url.pathname);
  const params = parameters([...queryParameters(args.url), ...args.data, ...oauth]);
  const baseString = signatureBaseString(args.method, uri, params);

  const key = `${percentEncode(args.consumerSecret ?? '')}&${percentEncode(args.tokenSecret ?? '')}`;
  let signature: string;
  if (spec.kind === 'hmac') {
    signature = createHmac(spec.digest, key).update(baseString, 'utf8').digest('base64');
  } else if (spec.kind === 'rsa') {
    signature = createSign(spec.digest)
      .update(baseString, 'utf8')
      .sign(privateKey as KeyObject, 'base64');
  } else {
    signature = key;
    if (scheme !== 'https') warnings.push('PLAINTEXT over http:// sends the secrets in the clear.');
  }
  oauth.push(['oauth_signature', signature]);
  oauth.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

  const fields = oauth.map(([name, value]) => `${name}="${percentEncode(value)}"`);
  if (args.realm !== undefined) fields.unshift(`realm="${args.realm}"`);
  return {
    method: args.method,
    url: args.url.href,
    authorization: `OAuth ${fields.join(', ')}`,
    contentType,
    body,
    baseString,
    warnings,
  };
}

/** One POSIX shell word: single quotes, each embedded quote as '\''. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A curl command line that sends exactly the signed request, one option per line. */
export function curlCommand(request: SignedRequest): string {
  // --globoff: brackets and braces in the URL are characters, not curl's URL patterns.
  const parts: string[] = ['curl --globoff'];
  if (request.method === 'HEAD') parts.push('--head');
  else if (request.method !== (request.body === undefined ? 'GET' : 'POST')) parts.push(`-X ${request.method}`);
  parts.push(`-H ${shellQuote(`Authorization: ${request.authorization}`)}`);
  if (request.contentType !== undefined) parts.push(`-H ${shellQuote(`Content-Type: ${request.contentType}`)}`);
  // Never "@file": a form body is percent-encoded ("@" is %40) and JSON cannot start with "@".
  if (request.body !== undefined) parts.push(`--data-binary ${shellQuote(request.body)}`);
  parts.push(shellQuote(request.url));
  return parts.join(' \\\n  ');
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const usageHint = (command: string) => `Run '${PROGRAM} ${command} --help' for usage.\n`;

/** The whole command line after the program name, e.g. ['sign', '--consumer-key', 'k', 'GET', 'https://…']. */
export function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
  deps: SignDependencies = defaultDependencies,
): CliResult {
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  if (options.includes('--help') || options.includes('-h')) return { exitCode: 0, stdout: HELP, stderr: '' };
  const [command, ...rest] = argv;
  try {
    if (command === undefined) throw new UsageError("Missing command: 'sign' or 'explain'.");
    if (command === 'explain') {
      const report = explainReport(parseExplainArguments(rest));
      return { exitCode: 0, stdout: `${formatSignatureReport(report)}\n`, stderr: '' };
    }
    if (command !== 'sign') {
      throw new UsageError(`Unknown command '${command}'; the commands are 'sign' and 'explain'.`);
    }
    const args = parseSignArguments(rest, env);
    const request = signRequest(args, deps);
    const stdout = `${args.headerOnly ? request.authorization : curlCommand(request)}\n`;
    let stderr = request.warnings.map((w) => `${PROGRAM}: warning: ${w}\n`).join('');
    if (args.explain) stderr += `${formatSignatureReport(explainReport(signedRequestInput(request)))}\n`;
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    if (error instanceof UsageError) {
      const hint = usageHint(command === 'explain' ? 'explain' : 'sign');
      return { exitCode: 2, stdout: '', stderr: `${PROGRAM}: error: ${error.message}\n${hint}` };
    }
    throw error;
  }
}

/** The value of an option given as `--name=value` or `--name value`, and the index of the last argument read. */
/** The arguments of one command: positional ones, flags given, options given once, and --data pairs. */
interface ScannedArguments<V extends string> {
  positional: string[];
  flags: Set<string>;
  single: Map<V, string>;
  data: Pair[];
}

/**
 * Reads argv: "--" ends the options; `--name=value` or `--name value` for the value options (--data may
 * repeat, the others may not); the flags take no value. Throws UsageError for anything else.
 */
function scanArguments<V extends string>(
  argv: readonly string[],
  valueOptions: readonly V[],
  flagOptions: readonly string[],
  unknown: (name: string) => string,
): ScannedArguments<V> {
  const scanned: ScannedArguments<V> = { positional: [], flags: new Set(), single: new Map(), data: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      scanned.positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      scanned.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (flagOptions.includes(name)) {
      if (eq >= 0) throw new UsageError(`${name} takes no value.`);
      scanned.flags.add(name);
      continue;
    }
    if (!(valueOptions as readonly string[]).includes(name)) throw new UsageError(unknown(name));
    const option = name as V;
    let value: string;
    [value, i] = optionValue(argv, i, arg, eq, option);
    if (option === '--data') {
      scanned.data.push(dataPair(value));
      continue;
    }
    if (scanned.single.has(option)) throw new UsageError(`${option} is given more than once.`);
    scanned.single.set(option, value);
  }
  return scanned;
}

function optionValue(argv: readonly string[], i: number, arg: string, eq: number, option: string): [string, number] {
  if (eq >= 0) return [arg.slice(eq + 1), i];
  if (i + 1 >= argv.length) throw new UsageError(`${option} needs a value.`);
  return [argv[i + 1], i + 1];
}

/** `--data NAME=VALUE`, taken literally. */
function dataPair(value: string): [string, string] {
  const at = value.indexOf('=');
  if (at < 0) throw new UsageError(`--data needs NAME=VALUE, got '${value}' (no '=').`);
  if (at === 0) throw new UsageError(`--data needs a parameter name before '=', got '${value}'.`);
  return [value.slice(0, at), value.slice(at + 1)];
}

/** Exactly two positional arguments: METHOD and URL. */
function checkMethodAndUrl(positional: readonly string[]): void {
  if (positional.length === 0) throw new UsageError('Missing METHOD and URL.');
  if (positional.length === 1) throw new UsageError(`Missing URL after ${positional[0]}.`);
  if (positional.length > 2) throw new UsageError(`Too many arguments: ${positional.slice(2).join(' ')}.`);
}
