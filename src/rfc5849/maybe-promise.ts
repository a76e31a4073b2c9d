/**
 * Values that may or may not be promises. Stores may answer either way; an in-process cache or
 * better-sqlite3 answers at once, and then verification runs to its end without a promise or a
 * microtask, which is most of what it would otherwise cost.
 */

/** A value, or a promise of one: stores may answer either way. */
export type MaybePromise<T> = T | PromiseLike<T>;

export const isPromiseLike = <T>(value: MaybePromise<T>): value is PromiseLike<T> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

/** `next(value)`: at once for a plain value (a throw is thrown), after it settles for a promise. */
export function andThen<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return isPromiseLike(value) ? Promise.resolve(value).then(next) : next(value);
}

/** `run()`, with whatever it throws or rejects with handed to `handle` (which answers instead, or throws). */
export function recover<T, R>(run: () => MaybePromise<T>, handle: (error: unknown) => R): MaybePromise<T | R> {
  let result: MaybePromise<T>;
  try {
    result = run();
  } catch (error) {
    return handle(error);
  }
  return isPromiseLike(result) ? Promise.resolve(result).catch(handle) : result;
}
