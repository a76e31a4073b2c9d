import { parsedBody } from '../../src/http/body-value';
import { DEFAULT_LIMITS } from '../../src/protector/settings';

/** `oauthBodyParser()`'s reading of a JSON body on a route without a guard (the guard's reading is the same). */
const readJson = (text: string | Buffer, jsonDepth = DEFAULT_LIMITS.jsonDepth) =>
  parsedBody({ 'content-type': 'application/json' }, Buffer.from(text), { ...DEFAULT_LIMITS, jsonDepth });

describe('a JSON body is read strictly: UTF-8 only, nested no deeper than limits.jsonDepth', () => {
  const arrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

  it('nested exactly the limit is read; one level more is a 400 naming the limit', () => {
    expect(readJson(arrays(64))).toEqual(JSON.parse(arrays(64)));
    expect(() => readJson(arrays(65))).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    expect(() => readJson(arrays(65))).toThrow('The JSON body nests deeper than 64 levels.');
    expect(() => readJson(`{"a":{"b":[{"c":1}]}}`, 3)).toThrow('deeper than 3 levels');
    expect(readJson(`{"a":{"b":[1]},"c":[{"d":2}]}`, 3)).toEqual({ a: { b: [1] }, c: [{ d: 2 }] });
  });

  it('brackets inside strings are text: escaped quotes and backslashes do not end a string early', () => {
    expect(readJson('{"a":"[[[[{{{{"}', 1)).toEqual({ a: '[[[[{{{{' });
    expect(readJson('{"a":"\\"[[["}', 1)).toEqual({ a: '"[[[' });
    // The string is one backslash; the array after it is nesting.
    expect(readJson('{"a":"\\\\"}', 1)).toEqual({ a: '\\' });
    expect(() => readJson('{"a":"\\\\","b":[1]}', 1)).toThrow('deeper than 1 levels');
  });

  it('bytes that are not UTF-8 are a 400, never U+FFFD', () => {
    for (const bytes of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
      const body = Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bytes), Buffer.from('"}')]);
      expect(() => readJson(body)).toThrow('The JSON body is not valid UTF-8.');
    }
    expect(readJson(Buffer.from('{"a":"café ☕ 𝄞"}'))).toEqual({ a: 'café ☕ 𝄞' });
  });

  it('an empty JSON body is none, {}, as the guard reads it (a chunked body of no bytes, Content-Length: 00)', () => {
    expect(readJson('')).toEqual({});
    expect(() => readJson(' ')).toThrow('The JSON body cannot be parsed.');
  });

  it('a byte order mark is not JSON, as before', () => {
    expect(() => readJson(Buffer.from('\ufeff{}'))).toThrow('The JSON body cannot be parsed.');
  });
});

describe('oauthBodyParser() reads an unguarded form or JSON body only as it was sent, as the guard does', () => {
  const read = (headers: Record<string, string>) =>
    parsedBody({ 'content-type': 'application/x-www-form-urlencoded', ...headers }, Buffer.from('a=1'), DEFAULT_LIMITS);

  it.each([
    ['another charset', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-16' }, 'must be UTF-8'],
    ['JSON in a single-byte charset', { 'content-type': 'application/json; charset=iso-8859-1' }, 'must be UTF-8'],
    ['two charsets', { 'content-type': 'application/json; charset=utf-8; Charset=utf-8' }, 'more than one charset'],
    ['a content coding', { 'content-encoding': 'gzip' }, 'must not be content-coded'],
  ])('refuses %s', (_case, headers, message) => {
    expect(() => read(headers)).toThrow(message);
  });

  it("reads a form declared ISO-8859-1 (Apache HttpClient's default) while it encodes ASCII alone", () => {
    const latin = (body: string, charset = 'ISO-8859-1') =>
      parsedBody(
        { 'content-type': `application/x-www-form-urlencoded; charset=${charset}` },
        Buffer.from(body),
        DEFAULT_LIMITS,
      );
    expect(latin('a=1&b=x%20y%7E')).toEqual({ a: '1', b: 'x y~' });
    expect(latin('a=1', 'windows-1252')).toEqual({ a: '1' });
    // é as ISO-8859-1 (%E9) and as UTF-8 (%C3%A9, which ISO-8859-1 reads as "Ã©"): neither is read.
    for (const body of ['a=%E9', 'a=%C3%A9', 'a=%c3%a9']) expect(() => latin(body)).toThrow(/may encode only ASCII/);
    expect(() => latin('a=%C3%A9', 'utf-8')).not.toThrow();
  });

  it('reads UTF-8 declared once, and an identity coding', () => {
    expect(read({ 'content-type': 'application/x-www-form-urlencoded;charset="UTF-8"' })).toEqual({ a: '1' });
    expect(read({ 'content-encoding': 'identity' })).toEqual({ a: '1' });
    // Another type's body is not read at all, whatever it declares.
    expect(
      parsedBody(
        { 'content-type': 'text/plain; charset=latin1', 'content-encoding': 'gzip' },
        Buffer.from('x'),
        DEFAULT_LIMITS,
      ),
    ).toEqual({});
  });
});
