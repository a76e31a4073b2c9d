/**
 * RFC 5849 §3.4.1.3.1 (query component) and §3.5.2 / §3.5.3: `application/x-www-form-urlencoded` pairs of
 * a query string or a form body, "&"-separated, `+` meaning a space, each name and value decoded once.
 */
import type { Parameter } from './parameter';
import { receiveParameter } from './parameter';

/**
 * Every pair in order, duplicates kept; empty pairs ("&&") are skipped, a pair without "=" has an empty value.
 * With `most`, reading stops at `most` + 1 pairs: enough for the caller to know there are too many, without
 * decoding the rest of a large body.
 */
export function parseFormEncoded(text: string, most = Infinity): Parameter[] {
  const params: Parameter[] = [];
  // The first "=" at or after `from`, text.length when there is none: found again only once passed, so that a
  // text of pairs without "=" is read in one pass, not searched to its end for every pair.
  let eq = -1;
  for (let from = 0; from < text.length && params.length <= most;) {
    let to = text.indexOf('&', from);
    if (to < 0) to = text.length;
    if (to > from) {
      if (eq < from) {
        eq = text.indexOf('=', from);
        if (eq < 0) eq = text.length;
      }
      const nameTo = eq > to ? to : eq;
      params.push(receiveParameter(text, from, nameTo, Math.min(nameTo + 1, to), to, true));
    }
    from = to + 1;
  }
  return params;
}

/**
 * The longest form body remembered, in characters: larger ones are read again rather than kept. Not the body limit
 * (`limits.body`, whose default it happens to equal): a bound on what the process holds between two requests.
 */
const REMEMBERED_BODY_CHARS = 64 * 1024;

/**
 * The last form body read, by the very bytes it was read from, and its parameters (`whole`: read to its end, not
 * stopped at a limit). `oauthBodyParser()` reads a form for the application and the guard then reads the same
 * bytes again for its verification: the same text, the same decoder, the same pairs. Kept by the bytes' identity,
 * a request's own, never an equal body of another request's; given back once (docs/decisions.md).
 */
let lastBody: { bytes: Uint8Array; text: string; params: readonly Parameter[]; whole: boolean } | undefined;

/**
 * `parseFormEncoded` of a form body, `text` as read from `bytes`: the same answer, but a body's second reading
 * (the same bytes again) takes the parameters of the first, in an array of its own, when the first was
 * `remember`ed. Only the body parser's reading is: its parameters go to no one else, where the verifier's are handed
 * to the application, which may change them, and a caller of the core may read every request into one buffer.
 */
export function parseFormBody(text: string, most: number, bytes?: Uint8Array, remember = false): Parameter[] {
  const last = lastBody;
  lastBody = undefined;
  if (last !== undefined && last.bytes === bytes && last.text === text && (last.whole || last.params.length > most)) {
    return last.params.slice(0, Math.max(0, most + 1));
  }
  const params = parseFormEncoded(text, most);
  if (remember && bytes !== undefined && text.length <= REMEMBERED_BODY_CHARS) {
    lastBody = { bytes, text, params: params.slice(), whole: params.length <= most };
  }
  return params;
}

/** Pairs as a query string or form body, each name and value encoded (§3.6). */
export function formatFormEncoded(params: readonly Parameter[]): string {
  return params.map((p) => `${p.encodedName}=${p.encodedValue}`).join('&');
}
