/**
 * The verified query put in front of a framework's own reading: an own, writable, enumerable, configurable data
 * property `query` of the request object (Koa's `ctx.request`, Express 5's `req`), whose prototype defines `query`
 * as a getter and setter. Assigning would call the setter (Koa's rewrites the query string), so the property is
 * defined, not assigned.
 *
 * It is defined as a class field on the existing object (a base constructor that answers the object it is
 * given): V8 caches a field's definition as it caches a store, where `Object.defineProperty` is a runtime call
 * on every request, which on Node 20 cost the Koa guard several µs a request over HTTP (docs/decisions.md).
 * Class fields are definitions because tsconfig.json sets `useDefineForClassFields`.
 */

/** A base class whose constructor answers the object it is given, so that a subclass's fields land on it. */
class Existing {
  constructor(target: object) {
    return target;
  }
}

class OwnQuery extends Existing {
  query: unknown;
  constructor(target: object, query: unknown) {
    super(target);
    this.query = query;
  }
}

/** Makes `query` an own data property of `target` holding `query`, whatever its prototype defines. */
export function defineOwnQuery(target: object, query: unknown): void {
  new OwnQuery(target, query);
}
