import { TemporarilyUnavailableError, type Claimed } from '../rfc5849/errors';
import { isPromiseLike } from '../rfc5849/maybe-promise';

const unavailable = (claimed: Claimed, cause: unknown) => new TemporarilyUnavailableError({ claimed, cause });

/**
 * Runs one store call under the store-fault rule: a throw, a rejection or no answer within `timeoutMs`
 * becomes 503 `temporarily_unavailable` (naming the claimed caller, the store's error as its `cause`), never
 * a 500 and never a hang. A store that answers synchronously (an in-process cache, better-sqlite3) needs no
 * timer: it has already answered.
 */
export function storeCall<R>(timeoutMs: number, claimed: Claimed, call: () => R | PromiseLike<R>): R | Promise<R> {
  let result: R | PromiseLike<R>;
  try {
    result = call();
  } catch (cause) {
    throw unavailable(claimed, cause);
  }
  if (!isPromiseLike(result)) return result;
  const pending = result;
  return new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => reject(unavailable(claimed, new Error('store call timed out'))), timeoutMs);
    pending.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (cause) => (clearTimeout(timer), reject(unavailable(claimed, cause))),
    );
  });
}
