/**
 * RFC 5849 §3.6 Percent Encoding, and its strict inverse.
 *
 * Encoding: every byte of the UTF-8 form is escaped except the unreserved set ALPHA / DIGIT / "-" / "." /
 * "_" / "~", with uppercase hex digits. Decoding is strict: a malformed escape, an escape that does not
 * yield valid UTF-8, or a raw character that a client must have escaped is a 400, never a silently
 * repaired U+FFFD (which would let `%FF` verify as `%FE`).
 */
import { InvalidRequestError } from './errors';

const UNRESERVED_ONLY = /^[A-Za-z0-9\-._~]*$/;
/** What encodeURIComponent leaves unescaped beyond the unreserved set. */
const LEFT_BY_ENCODE_URI_COMPONENT = /[!'()*]/;
const RESERVED_BY_ENCODE_URI_COMPONENT = /[!'()*]/g;
/** Printable ASCII without space: what may appear unescaped in a query, a form body or a quoted header value. */
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;

export function percentEncode(value: string): string {
  if (UNRESERVED_ONLY.test(value)) return value;
  const encoded = encodeURIComponent(value);
  if (!LEFT_BY_ENCODE_URI_COMPONENT.test(value)) return encoded;
  return encoded.replace(RESERVED_BY_ENCODE_URI_COMPONENT, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Decodes one percent-encoded name or value exactly once.
 * `plusIsSpace` applies the form-encoding rule (query strings and form bodies, RFC 5849 §3.4.1.3.1);
 * in the Authorization header a `+` means itself.
 */
export function percentDecode(value: string, plusIsSpace: boolean): string {
  if (UNRESERVED_ONLY.test(value)) return value; // the usual case: nothing to decode
  if (!PRINTABLE_ASCII.test(value)) {
    throw new InvalidRequestError('A parameter contains a character that must be percent-encoded.');
  }
  const spaced = plusIsSpace && value.includes('+') ? value.replace(/\+/g, ' ') : value;
  if (!spaced.includes('%')) return spaced;
  try {
    // decodeURIComponent rejects malformed escapes and invalid UTF-8 (overlong forms, lone surrogates).
    return decodeURIComponent(spaced);
  } catch {
    throw new InvalidRequestError('A parameter has malformed percent-encoding or is not valid UTF-8.');
  }
}
