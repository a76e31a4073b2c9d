/**
 * RFC 9110 §8.3 Content-Type, as far as a verifier needs it: the media type, and whether a text body is in
 * UTF-8, the only encoding this library decodes form and JSON bodies in.
 */
import { InvalidRequestError } from '../rfc5849/errors';

export const FORM = 'application/x-www-form-urlencoded';

/** The media type in lowercase, without parameters; undefined without a Content-Type. */
export function mediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const semicolon = contentType.indexOf(';');
  return (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;
const UTF8 = new Set(['utf-8', 'utf8', 'us-ascii']);

/** Refuses a body whose declared charset is not UTF-8 (or its ASCII subset): it would be read wrongly. */
export function requireUtf8(contentType: string): void {
  const charset = CHARSET.exec(contentType)?.[1];
  if (charset !== undefined && !UTF8.has(charset.toLowerCase())) {
    throw new InvalidRequestError('A form or JSON body must be UTF-8: its declared charset is not.');
  }
}

/** A JSON media type: application/json or a +json suffix (RFC 6839). */
export const isJson = (type: string | undefined): boolean =>
  type !== undefined && (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json')));
