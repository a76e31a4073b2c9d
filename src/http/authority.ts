/**
 * RFC 3986 §3.2 Authority, as a `Host` or `X-Forwarded-Host` value must spell it (RFC 9110 §7.2): a host and
 * an optional port, nothing else. Anything a framework or URL parser might read otherwise (a list, userinfo,
 * a path, a shortened or hexadecimal IPv4 address, percent-escapes) is refused, so that the base string URI
 * is built from the value as received and every reader agrees on it.
 */
import { isIPv6 } from 'node:net';

/** reg-name as unreserved characters only (RFC 3986 §3.2.2 without pct-encoded and sub-delims). */
const REG_NAME = /^[A-Za-z0-9\-._~]+$/;
/** A label that WHATWG URL parsing reads as a number, making the whole host an IPv4 address. */
const NUMERIC_LABEL = /^(?:[0-9]+|0[xX][0-9A-Fa-f]*)$/;
const DEC_OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const PORT = /^[1-9][0-9]{0,4}$/;

function isIPv4Address(host: string): boolean {
  const parts = host.split('.');
  return parts.length === 4 && parts.every((part) => DEC_OCTET.test(part) && Number(part) <= 255);
}

function isHost(host: string): boolean {
  // A zone identifier (RFC 6874) names an interface of the client's machine, never a server's address.
  if (host.startsWith('[')) return host.endsWith(']') && !host.includes('%') && isIPv6(host.slice(1, -1));
  if (!REG_NAME.test(host)) return false;
  // RFC 3986 §7.4: a reg-name that looks numeric is read as an address by some parsers ("127.1",
  // "0x7f.1"): only the dotted-decimal IPv4address form is accepted.
  const labels = host.endsWith('.') ? host.slice(0, -1).split('.') : host.split('.');
  return !NUMERIC_LABEL.test(labels[labels.length - 1]) || isIPv4Address(host);
}

/**
 * The last value found valid. A server hears the same Host on nearly every request: comparing it with the
 * last one costs less than reading it again (docs/decisions.md). Only a valid value is kept, so a refusal is
 * always decided by the checks.
 */
let lastValid: string | undefined;

/** Whether `value` is exactly `host [ ":" port ]` with a valid host and a port from 1 to 65535 without leading zeros. */
export function isAuthority(value: string): boolean {
  if (value === lastValid) return true;
  if (!readsAsAuthority(value)) return false;
  lastValid = value;
  return true;
}

function readsAsAuthority(value: string): boolean {
  const colon = value.lastIndexOf(':');
  if (colon < 0 || colon < value.lastIndexOf(']')) return isHost(value);
  const port = value.slice(colon + 1);
  return PORT.test(port) && Number(port) <= 65535 && isHost(value.slice(0, colon));
}
