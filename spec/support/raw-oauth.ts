/**
 * Raw OAuth 1.0a requests for the differential and fuzz tests: an independent reading of what a request says (query and
 * form pairs, media type, base string URI) and a signer for exactly that reading, written from RFC 5849
 * with node:crypto and `enc` of ./sign.ts only (nothing of src/), and requests written as bytes on a
 * loopback socket, so that anything Node's parser lets through reaches the app.
 */
import { createHash, createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { enc, type Identity } from './sign';

export type Pair = [name: string, value: string];

/**
 * RFC 5849 §3.4.1.3.1 reading of a query or a form body: "&"-separated pairs, the name up to the first "=",
 * "+" a space, then percent-decoded once. Lenient where RFC 3986 would be strict (a raw character stands for
 * itself), as a client that signs what it sends would be; throws on an escape that is malformed or not UTF-8.
 */
export function readPairs(text: string): Pair[] {
  const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  return text
    .split('&')
    .filter((part) => part !== '')
    .map((part): Pair => {
      const eq = part.indexOf('=');
      return eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))];
    });
}

/** Pairs as a query or form body, every name and value encoded (§3.6). */
export const writePairs = (pairs: readonly Pair[]): string => pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');

/** The media type of a Content-Type value: up to ";", trimmed, lowercase (RFC 9110 §8.3.1). */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  return contentType.split(';', 1)[0].trim().toLowerCase();
}

/** §3.4.1.3.1: the body's parameters are signed only when the Content-Type says form-encoded. */
export const isFormType = (contentType: string | undefined): boolean =>
  mediaTypeOf(contentType) === 'application/x-www-form-urlencoded';

/** application/json or a +json type (RFC 6839). */
export function isJsonType(contentType: string | undefined): boolean {
  const type = mediaTypeOf(contentType);
  return type !== undefined && (type === 'application/json' || /^application\/[^/]*\+json$/.test(type));
}

/**
 * §3.4.1.2 Base String URI, literally from the Host value as sent: scheme and host lowercase, the default
 * port left out, then the path.
 */
export function literalBaseUri(scheme: 'http' | 'https', host: string, path: string): string {
  let authority = host.toLowerCase();
  const port = scheme === 'http' ? ':80' : ':443';
  if (authority.endsWith(port)) authority = authority.slice(0, -port.length);
  return `${scheme}://${authority}${path}`;
}

/** The Base String URI a client computes from a URL (WHATWG parsing), or undefined when it cannot parse. */
export function urlBaseUri(scheme: 'http' | 'https', host: string, path: string): string | undefined {
  try {
    const url = new URL(`${scheme}://${host}${path}`);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return undefined;
  }
}

export interface SignInput {
  method: string;
  /** The Base String URI. */
  uri: string;
  /** Every non-protocol parameter signed (query and form), decoded. */
  pairs: readonly Pair[];
  who: Identity;
  nonce: string;
  timestamp: number;
  /** The exact body bytes, for oauth_body_hash (SHA-1, base64); leave out to send none. */
  hashBody?: Buffer;
}

/** The protocol parameters of a request, `oauth_signature` last (HMAC-SHA1, §3.4.2). */
export function signPairs(input: SignInput): Pair[] {
  const oauth: Pair[] = [
    ['oauth_consumer_key', input.who.consumerKey],
    ['oauth_token', input.who.token],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', String(input.timestamp)],
    ['oauth_nonce', input.nonce],
    ['oauth_version', '1.0'],
  ];
  if (input.hashBody) oauth.push(['oauth_body_hash', createHash('sha1').update(input.hashBody).digest('base64')]);
  const normalized = [...input.pairs, ...oauth]
    .map(([k, v]) => [enc(k), enc(v)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const base = [input.method.toUpperCase(), enc(input.uri), enc(normalized)].join('&');
  const key = `${enc(input.who.consumerSecret ?? '')}&${enc(input.who.tokenSecret ?? '')}`;
  return [...oauth, ['oauth_signature', createHmac('sha1', key).update(base).digest('base64')]];
}

/** An `Authorization: OAuth` value carrying `oauth`. */
export const authorizationOf = (oauth: readonly Pair[], realm = 'echo'): string =>
  `OAuth realm="${realm}", ` + oauth.map(([k, v]) => `${k}="${enc(v)}"`).join(', ');

/** A request as bytes: the request line's target and header values are written as latin1. */
export interface RawRequest {
  method: string;
  target: string;
  headers: Pair[];
  body: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The error codes of the error contract that a request alone can cause (a store fault adds `temporarily_unavailable`). */
export const OAUTH_ERRORS: ReadonlySet<string> = new Set([
  'missing_credentials',
  'invalid_request',
  'missing_required_parameter',
  'duplicated_oauth_protocol_parameter',
  'unsupported_signature_method',
  'insecure_transport',
  'invalid_timestamp',
  'invalid_client',
  'invalid_token',
  'invalid_signature',
  'invalid_nonce',
  'request_too_large',
]);

/** The request as written on the socket (`Connection: close`). */
export function rawBytes(request: RawRequest): Buffer {
  const head =
    `${request.method} ${request.target} HTTP/1.1\r\n` +
    request.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') +
    'Connection: close\r\n\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), request.body]);
}

/** The request as written on the socket, printable (for failure messages). */
export const showRequest = (request: RawRequest): string => JSON.stringify(rawBytes(request).toString('latin1'));

function dechunk(body: string): string {
  let out = '';
  for (let at = 0; ;) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) return out; // cut short
    const size = parseInt(body.slice(at, eol), 16);
    if (!(size > 0)) return out;
    out += body.slice(eol + 2, eol + 2 + size);
    at = eol + 4 + size;
  }
}

export interface SendOptions {
  /** Default 5000. */
  timeoutMs?: number;
  /** Called with the connection's local port once connected (to name the request behind a server-side error). */
  onConnect?: (localPort: number) => void;
}

/**
 * Writes the request on a new loopback connection (`Connection: close`) and reads the whole answer (a chunked
 * body dechunked, decoded as UTF-8); 'closed' when the server closed without answering, rejects after
 * `timeoutMs` without an answer.
 */
export function sendRaw(
  port: number,
  request: RawRequest,
  { timeoutMs = 5000, onConnect }: SendOptions = {},
): Promise<RawResponse | 'closed'> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${showRequest(request)}`));
    }, timeoutMs);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => undefined); // the server may close on us mid-write after a 4xx
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      if (text === '') return resolve('closed');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      const raw = text.slice(split + 4);
      const body = headers['transfer-encoding'] === 'chunked' ? dechunk(raw) : raw;
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: Buffer.from(body, 'latin1').toString() });
    });
    if (onConnect) socket.once('connect', () => onConnect(socket.localPort as number));
    socket.write(rawBytes(request));
    socket.end();
  });
}
