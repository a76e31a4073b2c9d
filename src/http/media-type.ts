/**
 * RFC 9110 §8.3 Content-Type and §8.4 Content-Encoding, as far as a verifier needs them: the media type, and
 * whether a form or JSON body is plain UTF-8, the only form in which this library decodes them.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { InvalidRequestError } from '../rfc5849/errors';

export const FORM = 'application/x-www-form-urlencoded';

/** The media type in lowercase, without parameters; undefined without a Content-Type. */
export function mediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const semicolon = contentType.indexOf(';');
  return (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

const CHARSETS = /;\s*charset\s*=\s*"?([^";\s]*)"?/gi;
const UTF8 = new Set(['utf-8', 'utf8', 'us-ascii']);

/**
 * The media type of a request's body, refusing a form or JSON body that would be read as something other than what
 * was sent: a declared charset other than UTF-8 (or its ASCII subset), two charsets (readers differ on which counts),
 * or a content coding (gzip, deflate, br), which nothing here undoes.
 */
export function readableMediaType(headers: IncomingHttpHeaders): string | undefined {
  const contentType = headers['content-type'];
  const type = mediaType(contentType);
  if (contentType === undefined || !(type === FORM || isJson(type))) return type;
  const charsets = Array.from(contentType.matchAll(CHARSETS), (match) => match[1].toLowerCase());
  if (charsets.length > 1) throw new InvalidRequestError('The Content-Type declares more than one charset.');
  if (charsets.length === 1 && !UTF8.has(charsets[0])) {
    throw new InvalidRequestError('A form or JSON body must be UTF-8: its declared charset is not.');
  }
  const coding = headers['content-encoding'];
  if (coding !== undefined && coding.trim().toLowerCase() !== 'identity') {
    throw new InvalidRequestError(
      'A form or JSON body must not be content-coded (gzip, deflate, br): it is read as sent.',
    );
  }
  return type;
}

/** Whether a body is multipart (an upload, for routing-controllers' multer). */
export const isMultipart = (contentType: string | undefined): boolean => /^multipart\//i.test(contentType ?? '');

/** A JSON media type: application/json or a +json suffix (RFC 6839). */
export const isJson = (type: string | undefined): boolean =>
  type !== undefined && (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json')));
