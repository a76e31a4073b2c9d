import { InvalidRequestError } from '../../src/rfc5849/errors';
import { percentDecode, percentEncode } from '../../src/rfc5849/encoding';

describe('percentEncode (RFC 5849 §3.6)', () => {
  it.each([
    ['abcABC123-._~', 'abcABC123-._~'],
    ['a b', 'a%20b'],
    ["!*'()", '%21%2A%27%28%29'],
    ['=&+/', '%3D%26%2B%2F'],
    ['é', '%C3%A9'],
    ['☃', '%E2%98%83'],
    ['😀', '%F0%9F%98%80'],
  ])('encodes %j as %j, with uppercase hex and only the unreserved set left alone', (input, output) => {
    expect(percentEncode(input)).toBe(output);
  });
});

describe('percentDecode', () => {
  it('decodes once: %252B is the three characters %2B, not a plus', () => {
    expect(percentDecode('%252B', true)).toBe('%2B');
  });

  it('reads + as a space in a query or form, and as a plus in the Authorization header', () => {
    expect(percentDecode('a+b%2Bc', true)).toBe('a b+c');
    expect(percentDecode('a+b%2Bc', false)).toBe('a+b+c');
  });

  it.each(['%', '%2', '%G0', 'abc%zz'])('refuses malformed percent-encoding %j', (input) => {
    expect(() => percentDecode(input, true)).toThrow(InvalidRequestError);
  });

  it.each(['%FF', '%FE', '%C0%AF', '%ED%A0%80', '%E2%82', '%F4%90%80%80'])(
    'refuses %j, which is not valid UTF-8 (never a silent U+FFFD)',
    (input) => {
      expect(() => percentDecode(input, true)).toThrow(InvalidRequestError);
    },
  );

  it.each(['a b', 'tab\there', 'nul\u0000', 'é', '\u007f'])('refuses the raw character in %j', (input) => {
    expect(() => percentDecode(input, false)).toThrow(InvalidRequestError);
  });

  it('round-trips every string that percentEncode produces', () => {
    for (const s of ['', 'plain', 'a b+c', '%', '=&?#', 'é☃😀', "~!*()'"]) {
      expect(percentDecode(percentEncode(s), true)).toBe(s);
      expect(percentDecode(percentEncode(s), false)).toBe(s);
    }
  });
});
