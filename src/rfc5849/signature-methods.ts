/**
 * The signature methods a verifier knows, as a table and a resolver: RFC 5849's HMAC-SHA1 (§3.4.2),
 * RSA-SHA1 (§3.4.3) and PLAINTEXT (§3.4.4), and the SHA-256 and SHA-512 variants in use today. Each
 * protector has a table of its own, so that a method one application adds changes no other.
 */
import { hmacSha, PreparedKeys } from './hmac-sha';
import { plaintext } from './plaintext';
import { rsaSha } from './rsa-sha';
import type { SignatureMethod } from './signature-method';

/** Frozen: every protector's table holds these very objects, so a change to one would reach them all. */
export const STANDARD_SIGNATURE_METHODS: ReadonlyMap<string, SignatureMethod> = new Map(
  (
    [
      ['HMAC-SHA1', hmacSha(new PreparedKeys('sha1'))],
      ['HMAC-SHA256', hmacSha(new PreparedKeys('sha256'))],
      ['HMAC-SHA512', hmacSha(new PreparedKeys('sha512'))],
      ['RSA-SHA1', rsaSha('sha1')],
      ['RSA-SHA256', rsaSha('sha256')],
      ['RSA-SHA512', rsaSha('sha512')],
      ['PLAINTEXT', plaintext],
    ] as const
  ).map(([name, method]) => [name, Object.freeze(method)]),
);

/** The standard methods with `extra` added (or replacing one of the same, case-sensitive name). */
export function signatureMethodTable(
  extra: Readonly<Record<string, SignatureMethod>> = {},
): ReadonlyMap<string, SignatureMethod> {
  return new Map([...STANDARD_SIGNATURE_METHODS, ...Object.entries(extra)]);
}

/** The method registered under exactly this name (names are case-sensitive, §3.4.1). */
export function resolveSignatureMethod(
  name: string,
  table: ReadonlyMap<string, SignatureMethod> = STANDARD_SIGNATURE_METHODS,
): SignatureMethod | undefined {
  return table.get(name);
}
