/**
 * The verified query put in front of a framework's own reading: an own, writable, enumerable, configurable data
 * property `query` of the request object, whose prototype reads `query` through an accessor (Koa's `ctx.request`:
 * a getter, and a setter that rewrites the query string; Express 5's `req`: a getter alone, which an assignment
 * would throw on). So the property is defined, never assigned.
 *
 * It is defined as a class field on the existing object (a base constructor that answers the object it is
 * given): V8 caches a field's definition as it caches a store, where `Object.defineProperty` is a runtime call on
 * every request, 1.2–1.4 µs of the Koa guard's self time a request over HTTP on Node 20 (docs/decisions.md).
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

/**
 * Whether class fields are definitions where this module runs: they are in the ES2022 it is built to, but a
 * bundler that compiles them to assignments would make the field call a prototype's setter. Asked once.
 */
function fieldsAreDefinitions(): boolean {
  let setterCalled = false;
  const probe = Object.create({
    set query(_: unknown) {
      setterCalled = true;
    },
  }) as object;
  new OwnQuery(probe, true);
  return !setterCalled && Object.hasOwn(probe, 'query');
}

export const CLASS_FIELDS_DEFINE = fieldsAreDefinitions();

/** Makes `query` an own data property of `target` holding `query`, whatever its prototype defines. */
export const defineOwnQuery: (target: object, query: unknown) => void = CLASS_FIELDS_DEFINE
  ? (target, query) => void new OwnQuery(target, query)
  : (target, query) =>
      void Object.defineProperty(target, 'query', {
        value: query,
        writable: true,
        enumerable: true,
        configurable: true,
      });
