import fc from 'fast-check';
import { InvalidRequestError } from '../../src/rfc5849/errors';
import {
  decodeReceived,
  encodingAsReceived,
  percentDecode,
  percentEncode,
  scanReceived,
} from '../../src/rfc5849/encoding';
import { seedFromEnv } from '../support/seed';

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

/** What a name or value as received decodes to, and its encoding read off it: undefined where it must be encoded. */
function received(text: string, plusIsSpace: boolean): { value: string; asReceived: string | undefined } {
  const found = scanReceived(text, plusIsSpace);
  return { value: decodeReceived(text, found), asReceived: encodingAsReceived(text, found) };
}

/** The outcome of a decoder: its value, or the message it refused with. */
function outcome(decode: () => string): string {
  try {
    return `value ${decode()}`;
  } catch (error) {
    if (!(error instanceof InvalidRequestError)) throw error;
    return `refused: ${error.message}`;
  }
}

describe('a name or value read in one pass (scanReceived)', () => {
  it.each([
    ['plain-._~09AZaz', true, 'plain-._~09AZaz'],
    ['a%20b', true, 'a%20b'],
    ['a+b', true, 'a%20b'],
    ['https%3A%2F%2Fexample.com%2F', false, 'https%3A%2F%2Fexample.com%2F'],
    ['%C3%A9%E2%98%83', false, '%C3%A9%E2%98%83'],
    ['%25%2B', true, '%25%2B'],
  ])('reads the encoding of %j (form rule: %j) off the text: %j', (text, plusIsSpace, encoding) => {
    const { value, asReceived } = received(text, plusIsSpace);
    expect(asReceived).toBe(encoding);
    expect(percentEncode(value)).toBe(encoding);
  });

  it.each([
    ['%2f', true, 'lowercase hex'],
    ['%41', true, 'an escaped unreserved character'],
    ['%7E', true, 'an escaped tilde, as browsers send it'],
    ['a*b', true, 'a raw "*", as browsers send it'],
    ['a+b', false, 'a "+" that means itself'],
    ['a/b', false, 'a raw "/"'],
  ])('encodes %j (form rule: %j) again rather than read it: %s', (text, plusIsSpace) => {
    const { value, asReceived } = received(text, plusIsSpace);
    expect(asReceived).toBeUndefined();
    expect(percentDecode(text, plusIsSpace)).toBe(value);
  });

  it.each(['%', '%2', 'a%G0', '%zz', '%FF', '%C0%AF', '%ED%A0%80', 'a b', 'é', 'nul\u0000', '%41 '])(
    'refuses %j as percentDecode does, with the same message',
    (text) => {
      for (const plusIsSpace of [true, false]) {
        expect(() => received(text, plusIsSpace)).toThrow(InvalidRequestError);
        expect(outcome(() => received(text, plusIsSpace).value)).toBe(outcome(() => percentDecode(text, plusIsSpace)));
      }
    },
  );

  const runs = { seed: seedFromEnv('FC_SEED', 3006), numRuns: 2000 };
  /** Texts as clients spell them, well and badly: escapes in both cases, "+", raw reserved and non-ASCII characters. */
  const spelled = fc.stringOf(
    fc.oneof(
      fc.constantFrom('a', 'Z', '0', '-', '.', '_', '~', '+', '*', '/', ':', ' ', '%', 'é', '\u0000', '\u007f'),
      fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`),
      fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0')}`),
      fc.fullUnicode().map((c) => percentEncode(c)),
    ),
    { maxLength: 40 },
  );

  it('decodes every text exactly as percentDecode does, or refuses it with the same message', () => {
    fc.assert(
      fc.property(spelled, fc.boolean(), (text, plusIsSpace) => {
        const found = scanReceived(text, plusIsSpace);
        expect(outcome(() => decodeReceived(text, found))).toBe(outcome(() => percentDecode(text, plusIsSpace)));
      }),
      runs,
    );
  });

  it('reads an encoding off a text only when it is what encoding the decoded text gives', () => {
    fc.assert(
      fc.property(spelled, fc.boolean(), (text, plusIsSpace) => {
        const found = scanReceived(text, plusIsSpace);
        let value: string;
        try {
          value = decodeReceived(text, found);
        } catch {
          return; // refused: nothing is read off it
        }
        const asReceived = encodingAsReceived(text, found);
        if (asReceived !== undefined) expect(asReceived).toBe(percentEncode(value));
      }),
      runs,
    );
  });

  it('reads the encoding off every text spelled as §3.6 spells it, a "+" for a space included', () => {
    fc.assert(
      fc.property(fc.fullUnicodeString({ maxLength: 40 }), fc.boolean(), (value, plusForSpace) => {
        const encoded = percentEncode(value);
        const sent = plusForSpace ? encoded.replaceAll('%20', '+') : encoded;
        const read = received(sent, plusForSpace);
        expect(read.value).toBe(value);
        expect(read.asReceived).toBe(encoded);
      }),
      runs,
    );
  });
});
