/**
 * Hints for a refused signature, from what the Koa request shows: the usual reasons a correct client
 * and this server compute different base strings.
 */
import type { Context } from 'koa';
import type { SignatureReport } from '../rfc5849/diagnosis';

const FORM_LIKE = /^[^=&\s]+=[^&]*(?:&[^=&\s]+=[^&]*)*$/;

export function signatureHints(ctx: Context, report: SignatureReport): string[] {
  const hints: string[] = [];
  const forwarded = ['X-Forwarded-Proto', 'X-Forwarded-Host'].filter((name) => ctx.get(name) !== '');
  if (forwarded.length && !ctx.app.proxy) {
    hints.push(
      `${forwarded.join(' and ')} were ignored because app.proxy is false: the URI above is what this server ` +
        'received, not the public one a client behind your proxy signed.',
    );
  } else if (forwarded.length) {
    hints.push(`the scheme and host came from ${forwarded.join(' and ')} (app.proxy is true).`);
  }
  if (report.uri.startsWith('http://')) {
    hints.push('the server saw plain http: a client that signed an https:// URL (TLS ended at a proxy?) fails here.');
  }
  const port = /^[a-z]+:\/\/(?:\[[^\]]*\]|[^/:]*):(\d+)/.exec(report.uri)?.[1];
  if (port) hints.push(`the URI includes port ${port}, which the client must sign too.`);
  const body = (ctx.request as { rawBody?: unknown }).rawBody;
  if (!ctx.is('application/x-www-form-urlencoded') && typeof body === 'string' && FORM_LIKE.test(body)) {
    hints.push(
      `the body looks form-encoded but its Content-Type is ${ctx.get('Content-Type') || 'missing'}: ` +
        'its parameters are not signed; send application/x-www-form-urlencoded.',
    );
  }
  if (report.parameters.some((pair) => /%25[0-9A-F]{2}/.test(pair))) {
    hints.push('a decoded value still contains %XX: did the client percent-encode it twice?');
  }
  return [...report.hints, ...hints];
}
