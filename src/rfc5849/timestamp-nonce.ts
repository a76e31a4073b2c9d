/**
 * RFC 5849 §3.3 Nonce and Timestamp.
 *
 * "The timestamp value MUST be a positive integer" counted in seconds since the epoch; the server
 * accepts it within a window on both sides of its own clock, and remembers each nonce for
 * (client, token, timestamp) as long as that timestamp stays inside the window.
 */
import { InvalidRequestError, InvalidTimestampError, type Claimed } from './errors';

/**
 * ASCII digits only: no sign, space, exponent, leading zero or other scripts' digits. Any number of them:
 * a timestamp too large for a double is still a well-formed one, refused by the window (401), not as syntax.
 */
const POSITIVE_DECIMAL = /^[1-9][0-9]*$/;

export function parseTimestamp(value: string, claimed?: Claimed): number {
  if (!POSITIVE_DECIMAL.test(value)) {
    throw new InvalidRequestError('The oauth_timestamp must be a positive decimal integer.', { claimed });
  }
  return Number(value);
}

/** Refuses timestamps more than `windowSeconds` before or after `nowSeconds`. */
export function checkTimestampWindow(
  timestamp: number,
  nowSeconds: number,
  windowSeconds: number,
  claimed?: Claimed,
): void {
  const min = nowSeconds - windowSeconds;
  const max = nowSeconds + windowSeconds;
  if (timestamp < min || timestamp > max) throw new InvalidTimestampError(min, max, { claimed });
}

/**
 * How long a nonce used with `timestamp` must be remembered: until the timestamp leaves the window
 * (at most twice the window, for a timestamp at the window's future edge), plus one second of rounding.
 */
export function nonceLifetimeSeconds(timestamp: number, nowSeconds: number, windowSeconds: number): number {
  return Math.max(1, timestamp + windowSeconds - nowSeconds + 1);
}
