import { InvalidRequestError, InvalidTimestampError } from '../../src/rfc5849/errors';
import { checkTimestampWindow, nonceLifetimeSeconds, parseTimestamp } from '../../src/rfc5849/timestamp-nonce';

describe('parseTimestamp (RFC 5849 §3.3)', () => {
  it('reads a positive decimal integer, however long', () => {
    expect(parseTimestamp('1318622958')).toBe(1318622958);
    expect(parseTimestamp('9'.repeat(40))).toBeGreaterThan(1e39);
  });

  it.each(['', '0', '-1', '+1', ' 1', '1 ', '1e9', '1.0', '0x10', '０１', '١٢٣', '0123'])('refuses %j', (value) => {
    expect(() => parseTimestamp(value)).toThrow(InvalidRequestError);
  });
});

describe('checkTimestampWindow', () => {
  it('accepts the edges of the window on both sides', () => {
    expect(() => checkTimestampWindow(700, 1000, 300)).not.toThrow();
    expect(() => checkTimestampWindow(1300, 1000, 300)).not.toThrow();
  });

  it('refuses one second past either edge and names the acceptable range', () => {
    for (const ts of [699, 1301]) {
      try {
        checkTimestampWindow(ts, 1000, 300);
        throw new Error('accepted');
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidTimestampError);
        expect((error as InvalidTimestampError).problem).toEqual({
          oauth_problem: 'timestamp_refused',
          oauth_acceptable_timestamps: '700-1300',
        });
      }
    }
  });
});

describe('nonceLifetimeSeconds', () => {
  it('keeps a nonce until its timestamp leaves the window, and at most twice the window', () => {
    expect(nonceLifetimeSeconds(1000, 1000, 300)).toBe(301);
    expect(nonceLifetimeSeconds(1300, 1000, 300)).toBe(601);
    expect(nonceLifetimeSeconds(700, 1000, 300)).toBe(1);
  });
});
