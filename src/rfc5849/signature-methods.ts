/**
 * The signature methods a verifier knows, as a table and a resolver: RFC 5849's HMAC-SHA1 (§3.4.2),
 * RSA-SHA1 (§3.4.3) and PLAINTEXT (§3.4.4), and the SHA-256 and SHA-512 variants in use today. Each
 * protector has a table of its own, so that a method one application adds changes no other.
 */
import { hmacSha, PreparedKeys } from './hmac-sha';
import { plaintext } from './plaintext';
import { rsaSha } from './rsa-sha';
import type { SignatureMethod } from './signature-method';

/**
 * A table no one can change once made: a `Map` typed read-only would still take `set()` from JavaScript (or
 * `Map.prototype.set.call`), and the standard table is every protector's and every core call's default.
 */
class FixedTable<K, V> implements ReadonlyMap<K, V> {
  readonly #entries: Map<K, V>;

  constructor(entries: Iterable<readonly [K, V]>) {
    this.#entries = new Map(entries);
    Object.freeze(this);
  }

  get size(): number {
    return this.#entries.size;
  }
  get(key: K): V | undefined {
    return this.#entries.get(key);
  }
  has(key: K): boolean {
    return this.#entries.has(key);
  }
  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    this.#entries.forEach((value, key) => callback.call(thisArg, value, key, this));
  }
  keys(): MapIterator<K> {
    return this.#entries.keys();
  }
  values(): MapIterator<V> {
    return this.#entries.values();
  }
  entries(): MapIterator<[K, V]> {
    return this.#entries.entries();
  }
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.#entries[Symbol.iterator]();
  }
}
// Its methods are every table's: one assigned here would reach them all.
Object.freeze(FixedTable.prototype);

/** Frozen, table and methods: every protector's table holds these very objects, so a change would reach them all. */
export const STANDARD_SIGNATURE_METHODS: ReadonlyMap<string, SignatureMethod> = new FixedTable(
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
  ).map(([name, method]) => [name, Object.freeze(method)] as const),
);

/** The standard methods with `extra` added (or replacing one of the same, case-sensitive name). */
export function signatureMethodTable(
  extra: Readonly<Record<string, SignatureMethod>> = {},
): ReadonlyMap<string, SignatureMethod> {
  return new FixedTable([...STANDARD_SIGNATURE_METHODS, ...Object.entries(extra)]);
}

/** The method registered under exactly this name (names are case-sensitive, §3.4.1). */
export function resolveSignatureMethod(
  name: string,
  table: ReadonlyMap<string, SignatureMethod> = STANDARD_SIGNATURE_METHODS,
): SignatureMethod | undefined {
  return table.get(name);
}
