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
 * Single-byte charsets that agree with ASCII, as Java's HTTP clients declare on forms (Apache HttpClient 4's
 * `charset=ISO-8859-1`): a form body in one reads as in UTF-8 while it holds ASCII alone (`checkFormCharset`).
 */
const ASCII_COMPATIBLE = new Set(['iso-8859-1', 'latin1', 'windows-1252', 'cp1252']);

/** The charset a Content-Type declares, in lowercase; undefined for none; a 400 for two (readers differ on which). */
function declaredCharset(contentType: string): string | undefined {
  if (!contentType.includes('=')) return undefined;
  const charsets = Array.from(contentType.matchAll(CHARSETS), (match) => match[1].toLowerCase());
  if (charsets.length > 1) throw new InvalidRequestError('The Content-Type declares more than one charset.');
  return charsets[0];
}

/**
 * The media type of a request's body, refusing a form or JSON body that would be read as something other than what
 * was sent: a declared charset other than UTF-8 (or its ASCII subset; for a form, also a single-byte charset that
 * agrees with ASCII, see `checkFormCharset`), two charsets, or a content coding (gzip, deflate, br), which nothing
 * here undoes.
 */
export function readableMediaType(headers: IncomingHttpHeaders): string | undefined {
  const contentType = headers['content-type'];
  const type = mediaType(contentType);
  if (contentType === undefined || !(type === FORM || isJson(type))) return type;
  const charset = declaredCharset(contentType);
  if (charset !== undefined && !UTF8.has(charset) && !(type === FORM && ASCII_COMPATIBLE.has(charset))) {
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

/** A percent-escape of a byte above 0x7F: the start or the rest of a character that is not ASCII. */
const HIGH_ESCAPE = /%[89a-f][0-9a-f]/i;

/**
 * A form body declared in a single-byte charset is read only while every character it encodes is ASCII: `%E9` is é in
 * ISO-8859-1 and not UTF-8, and `%C3%A9` é in UTF-8 (as RFC 5849 §3.6 signs it) but "Ã©" in ISO-8859-1. Raw bytes
 * above 0x7F are refused by the form's parser whatever the charset.
 */
export function checkFormCharset(headers: IncomingHttpHeaders, form: string): void {
  const contentType = headers['content-type'];
  const charset = contentType === undefined ? undefined : declaredCharset(contentType);
  if (charset !== undefined && ASCII_COMPATIBLE.has(charset) && HIGH_ESCAPE.test(form)) {
    throw new InvalidRequestError(
      `A form body declared ${charset} may encode only ASCII characters: read as UTF-8, its others would change.`,
    );
  }
}

/** Whether a body is multipart (an upload, for routing-controllers' multer). */
export const isMultipart = (contentType: string | undefined): boolean => /^multipart\//i.test(contentType ?? '');

/** A JSON media type: application/json or a +json suffix (RFC 6839). */
export const isJson = (type: string | undefined): boolean =>
  type !== undefined && (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json')));
