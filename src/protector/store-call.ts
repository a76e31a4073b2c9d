import { TemporarilyUnavailableError, type Claimed } from '../rfc5849/errors';
import { isPromiseLike } from '../rfc5849/maybe-promise';

const unavailable = (claimed: Claimed, cause: unknown) => new TemporarilyUnavailableError({ claimed, cause });

/**
 * The calls of one store (the clients, the tokens, the nonces or the access rules) under the store-fault rule: a
 * throw, a rejection or no answer within `timeoutMs` becomes 503 `temporarily_unavailable` (naming the claimed
 * caller, the store's error as its `cause`), never a 500 and never a hang. A store that answers synchronously (an
 * in-process cache, better-sqlite3) needs no timer: it has already answered.
 *
 * A request whose call timed out has its answer, but the store's promise, and whatever its client keeps for the
 * command, lives until the store answers: a store that accepts calls and never answers (a stopped Redis, a link
 * that drops packets) would hold memory for every request until the process runs out. So at most `mostWaiting` calls
 * wait for their answer at once; beyond that a call is a store fault at once, and the store is not called.
 */
export class StoreCalls {
  #waiting = 0;

  constructor(
    private timeoutMs: number,
    private mostWaiting: number,
  ) {}

  /**
   * New settings for the calls to come (a protector's `init()` again): the calls still waiting keep counting, so that
   * a reconfiguration while a store is stalled does not let another `mostWaiting` calls wait on it.
   */
  configure(timeoutMs: number, mostWaiting: number): this {
    this.timeoutMs = timeoutMs;
    this.mostWaiting = mostWaiting;
    return this;
  }

  /** Calls still waiting for the store's answer, their requests answered or not. */
  get waiting(): number {
    return this.#waiting;
  }

  run<R>(claimed: Claimed, call: () => R | PromiseLike<R>, answer?: StoreAnswer): R | Promise<R> {
    if (this.#waiting >= this.mostWaiting) {
      throw unavailable(claimed, new Error(`${this.#waiting} calls are waiting for the store's answer`));
    }
    let result: R | PromiseLike<R>;
    let promised: boolean;
    try {
      result = call();
      promised = isPromiseLike(result); // reads `then`, which a getter of the application's may throw from
    } catch (cause) {
      throw unavailable(claimed, cause);
    }
    if (!promised) return checked(result as R, claimed, answer);
    const pending = result as PromiseLike<R>;
    this.#waiting++;
    const { timeoutMs } = this;
    const started = performance.now();
    const timedOut = () => unavailable(claimed, new Error('store call timed out'));
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => reject(timedOut()), timeoutMs);
      let answered = false;
      /** The store answered (once: a thenable may call back and throw too). */
      const settle = () => {
        if (answered) return;
        answered = true;
        this.#waiting--;
        clearTimeout(timer);
      };
      const fail = (cause: unknown) => {
        settle();
        reject(unavailable(claimed, cause));
      };
      // A thenable may answer with another (a promise of the model): it is followed, as `await` would, under the same
      // timer and count, and only the value at its end is the answer.
      const follow = (thenable: PromiseLike<R>) => {
        try {
          thenable.then((value) => {
            if (answered) return;
            let again: boolean;
            try {
              again = isPromiseLike(value); // a `then` getter may throw here, after the call that made it returned
            } catch (cause) {
              return fail(cause);
            }
            if (again) {
              const next = value as PromiseLike<R>;
              return next === thenable ? fail(new TypeError('the store answered with its own promise')) : follow(next);
            }
            settle();
            // An answer read after the deadline is refused though the timer has not run yet (it runs late when a
            // callback held the event loop): the nonce margin counts on no answer being used later than this.
            if (performance.now() - started > timeoutMs) return reject(timedOut());
            try {
              resolve(checked(value, claimed, answer));
            } catch (error) {
              reject(error);
            }
          }, fail);
        } catch (cause) {
          fail(cause); // a thenable whose then() throws, or whose `then` getter does
        }
      };
      follow(pending);
    });
  }
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
