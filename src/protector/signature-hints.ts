/**
 * Hints for a refused signature, from the request as it was read: the usual reasons a correct client and
 * this server compute different base strings. Logged on the server only, with `debugSignatures`.
 */
import { FORM } from '../http/media-type';
import type { HttpRequest } from '../http/http-request';
import type { SignatureReport } from '../rfc5849/diagnosis';

const FORM_LIKE = /^[^=&\s]+=[^&]*(?:&[^=&\s]+=[^&]*)*$/;

export function signatureHints(request: HttpRequest, report: SignatureReport): string[] {
  const hints: string[] = [];
  if (request.ignoredForwarded.length) {
    hints.push(
      `${request.ignoredForwarded.join(' and ')} were ignored because the app does not trust its proxy (Koa: ` +
        "app.proxy is false; Express: 'trust proxy' is off): the URI above is what this server received, not " +
        'the public one a client behind your proxy signed.',
    );
  } else if (request.usedForwarded.length) {
    hints.push(`the scheme and host came from ${request.usedForwarded.join(' and ')} (the proxy is trusted).`);
  }
  if (report.uri.startsWith('http://')) {
    hints.push('the server saw plain http: a client that signed an https:// URL (TLS ended at a proxy?) fails here.');
  }
  const port = /^[a-z]+:\/\/(?:\[[^\]]*\]|[^/:]*):(\d+)/.exec(report.uri)?.[1];
  if (port) hints.push(`the URI includes port ${port}, which the client must sign too.`);
  if (request.mediaType !== FORM && FORM_LIKE.test(request.body.toString('latin1'))) {
    hints.push(
      `the body looks form-encoded but its Content-Type is ${request.mediaType ?? 'missing'}: ` +
        `its parameters are not signed; send ${FORM}.`,
    );
  }
  if (report.parameters.some((pair) => /%25[0-9A-F]{2}/.test(pair))) {
    hints.push('a decoded value still contains %XX: did the client percent-encode it twice?');
  }
  return [...report.hints, ...hints];
}
