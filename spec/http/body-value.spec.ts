import { parsedBody } from '../../src/http/body-value';
import { DEFAULT_LIMITS } from '../../src/protector/settings';

/** `oauthBodyParser()`'s reading of a JSON body on a route without a guard (the guard's reading is the same). */
const readJson = (text: string | Buffer, jsonDepth = DEFAULT_LIMITS.jsonDepth) =>
  parsedBody('application/json', Buffer.from(text), { ...DEFAULT_LIMITS, jsonDepth });

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

  it('a byte order mark is not JSON, as before', () => {
    expect(() => readJson(Buffer.from('\ufeff{}'))).toThrow('The JSON body cannot be parsed.');
  });
});
