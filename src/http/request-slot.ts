/**
 * A value kept on a Node request for the rest of its handling (the body's bytes, the verified request), as a
 * property under a symbol of this library's rather than in a WeakMap keyed by the request: each WeakMap entry
 * is an ephemeron that every garbage collection must trace, and on the bench server that cost more than the
 * whole verification (docs/decisions.md). The property is invisible to string-keyed reads and to JSON.
 */
export interface RequestSlot<T> {
  get(req: object): T | undefined;
  set(req: object, value: T): void;
}

export function requestSlot<T>(description: string): RequestSlot<T> {
  const key = Symbol(`routing-controllers-oauth1.${description}`);
  return {
    get: (req) => (req as Record<symbol, T | undefined>)[key],
    set: (req, value) => {
      (req as Record<symbol, T>)[key] = value;
    },
  };
}
