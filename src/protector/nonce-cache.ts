/**
 * A store of used nonces with one atomic operation, in the shape Redis offers (`SET key NX PX ttl`):
 * record the key if absent and answer whether it was. Never a `has` followed by a `set`, which lets
 * two copies of one request that arrive together both pass.
 */
export interface NonceCache {
  /**
   * Records `key` for `ttlSeconds` if it is absent; true when it was absent (first use). `nowSeconds` is the
   * protector's clock, for caches that keep time themselves (a remote store may use its own).
   */
  setIfAbsent(key: string, ttlSeconds: number, nowSeconds: number): boolean | Promise<boolean>;
}
