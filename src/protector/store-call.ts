import { TemporarilyUnavailableError, type Claimed } from '../rfc5849/errors';
import { isPromiseLike } from '../rfc5849/maybe-promise';

const unavailable = (claimed: Claimed, cause: unknown) => new TemporarilyUnavailableError({ claimed, cause });

/**
 * Runs one store call under the store-fault rule: a throw, a rejection or no answer within `timeoutMs`
 * becomes 503 `temporarily_unavailable` (naming the claimed caller, the store's error as its `cause`), never
 * a 500 and never a hang. A store that answers synchronously (an in-process cache, better-sqlite3) needs no
 * timer: it has already answered.
 */
export function storeCall<R>(
  timeoutMs: number,
  claimed: Claimed,
  call: () => R | PromiseLike<R>,
  answer?: StoreAnswer,
): R | Promise<R> {
  let result: R | PromiseLike<R>;
  try {
    result = call();
  } catch (cause) {
    throw unavailable(claimed, cause);
  }
  if (!isPromiseLike(result)) return checked(result, claimed, answer);
  const pending = result;
  return new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => reject(unavailable(claimed, new Error('store call timed out'))), timeoutMs);
    pending.then(
      (value) => {
        clearTimeout(timer);
        try {
          resolve(checked(value, claimed, answer));
        } catch (error) {
          reject(error);
        }
      },
      (cause) => (clearTimeout(timer), reject(unavailable(claimed, cause))),
    );
  });
}

/** The store's answer, when it is of the type `answer` says (a fault of the store otherwise). */
function checked<R>(value: R, claimed: Claimed, answer: StoreAnswer | undefined): R {
  if (answer && !answer.fits(value)) throw unavailable(claimed, new TypeError(`${answer.what}: ${typeof value}`));
  return value;
}

/**
 * What a store's answer must be: an answer of another type is a fault of the store too (503), never read by its
 * truthiness (an `existsNonce` that forgot to return would otherwise accept every replay).
 */
export interface StoreAnswer {
  /** What was expected, for the fault's cause. */
  what: string;
  fits(value: unknown): boolean;
}

export const BOOLEAN: StoreAnswer = {
  what: 'the store answered other than true or false',
  fits: (value) => typeof value === 'boolean',
};

/** A model (an object), or none. */
export const MODEL: StoreAnswer = {
  what: 'the store answered other than an object, undefined or null',
  fits: (value) => value === undefined || value === null || typeof value === 'object' || typeof value === 'function',
};

export const STRINGS: StoreAnswer = {
  what: 'the scopes are not an array of strings',
  fits: (value) => Array.isArray(value) && value.every((item) => typeof item === 'string'),
};
