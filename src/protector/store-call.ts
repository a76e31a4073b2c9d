import { TemporarilyUnavailableError } from '../rfc5849/errors';

/**
 * Runs one store call under the store-fault rule: a throw, a rejection or no answer within `timeoutMs`
 * becomes 503 `temporarily_unavailable`, never a 500 and never a hang.
 */
export async function storeCall<R>(timeoutMs: number, call: () => R | PromiseLike<R>): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const pending = Promise.resolve(call());
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('store call timed out')), timeoutMs);
    });
    return await Promise.race([pending, timeout]);
  } catch (cause) {
    throw Object.assign(new TemporarilyUnavailableError(), { cause });
  } finally {
    clearTimeout(timer);
  }
}
