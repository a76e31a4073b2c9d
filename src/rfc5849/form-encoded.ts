/**
 * RFC 5849 §3.4.1.3.1 (query component) and §3.5.2 / §3.5.3: `application/x-www-form-urlencoded` pairs of
 * a query string or a form body, "&"-separated, `+` meaning a space, each name and value decoded once.
 */
import type { Parameter } from './parameter';
import { receiveParameter } from './parameter';

/** Every pair in order, duplicates kept; empty pairs ("&&") are skipped, a pair without "=" has an empty value. */
export function parseFormEncoded(text: string): Parameter[] {
  const params: Parameter[] = [];
  for (let from = 0; from < text.length;) {
    let to = text.indexOf('&', from);
    if (to < 0) to = text.length;
    if (to > from) {
      const eq = text.indexOf('=', from);
      const nameTo = eq < 0 || eq > to ? to : eq;
      params.push(receiveParameter(text, from, nameTo, Math.min(nameTo + 1, to), to, true));
    }
    from = to + 1;
  }
  return params;
}

/** Pairs as a query string or form body, each name and value encoded (§3.6). */
export function formatFormEncoded(params: readonly Parameter[]): string {
  return params.map((p) => `${p.encodedName}=${p.encodedValue}`).join('&');
}
