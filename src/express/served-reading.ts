/**
 * `req.body` and, on Express 5, `req.query` of a guarded Express request: the verified body (`{}` for a request
 * without one) and the verified query, served by accessors on the app's request prototype (`app.request`, which
 * Express's guide names as the place to override its request's properties) rather than properties added to every
 * request: on Node 20 and 22 each Express request has a hidden class of its own, and adding a property to it cost
 * 4–6 µs a request (docs/decisions.md).
 *
 * Each accessor reads the verified request the guard left on `res.locals`, so it answers the same object the guard
 * verified; any other request reads what it would read without the guard. Assignment keeps the framework's rule:
 * `req.body` is a plain property in Express, and assigning it makes an own property, which the accessor then no
 * longer answers for; Express 5's `req.query` is a getter alone, and so is the accessor standing in front of it.
 * Express 4 sets `req.query` on each request itself: the guard assigns it there (src/express/guard.ts).
 *
 * They go on the topmost app's request: a mounted app's `app.request` inherits from its parent's, so every app of
 * one tree reads them the same way, whichever served a guarded request first, and a request still reads its
 * verified reading after it leaves a mounted app. They cannot be redefined or deleted: what the guard verified is
 * the only reading they answer for a guarded request.
 */
import { defineOwnQuery } from '../http/own-query';
import { verifiedOf } from '../protector/current-credential';
import type { GuardedRequest } from '../protector/guard-request';
import type { ExpressRequest, ExpressResponse } from './express-types';

type Served = 'body' | 'query';

/** App requests that hold each accessor. */
const serving: Record<Served, WeakSet<object>> = { body: new WeakSet(), query: new WeakSet() };

/** The verified request of a request the guard accepted, found through its `res.locals`. */
function guardedOf(req: { res?: ExpressResponse }): GuardedRequest | undefined {
  const locals: unknown = req.res?.locals;
  return typeof locals === 'object' && locals !== null ? verifiedOf(locals) : undefined;
}

const verifiedBody: PropertyDescriptor = {
  configurable: false,
  enumerable: true,
  get(this: ExpressRequest & { res?: ExpressResponse }): unknown {
    return guardedOf(this)?.body;
  },
  set(this: object, value: unknown): void {
    Object.defineProperty(this, 'body', { value, writable: true, enumerable: true, configurable: true });
  },
};

/** The accessor for `query` in front of Express 5's getter, which still answers every request no guard accepted. */
const verifiedQuery = (express: () => unknown): PropertyDescriptor => ({
  configurable: false,
  enumerable: true,
  get(this: ExpressRequest & { res?: ExpressResponse }): unknown {
    const guarded = guardedOf(this);
    return guarded === undefined ? express.call(this) : guarded.query;
  },
});

/** The descriptor a property has above `from` on its prototype chain, if any. */
function inherited(from: object, name: Served): PropertyDescriptor | undefined {
  for (let at = Object.getPrototypeOf(from) as object | null; at !== null; at = Object.getPrototypeOf(at) as object) {
    const found = Object.getOwnPropertyDescriptor(at, name);
    if (found) return found;
  }
  return undefined;
}

/** What each accessor stands in front of on the topmost app's request: for `query`, Express 5's getter alone. */
const ACCESSORS: Record<Served, (top: object) => PropertyDescriptor | undefined> = {
  body: (top) => (inherited(top, 'body') === undefined ? verifiedBody : undefined),
  query: (top) => {
    const express = inherited(top, 'query');
    return express?.get !== undefined && express.set === undefined ? verifiedQuery(express.get) : undefined;
  },
};

/**
 * Makes `req.body` and `req.query` read `guarded`'s, once `guarded` is remembered on `res.locals`. An own property
 * (a parser that ran before the guard, Express 4's query) is replaced; a request whose prototype is not an Express
 * app's request (one with its own `app`), or whose prototypes define the property otherwise, gets an own property,
 * as any other object would.
 */
export function serveVerifiedReading(req: ExpressRequest, guarded: GuardedRequest): void {
  if (Object.hasOwn(req, 'query')) (req as ExpressRequest & { query: unknown }).query = guarded.query;
  else if (!servedThrough(req, 'query')) defineOwnQuery(req, guarded.query);
  if (Object.hasOwn(req, 'body') || !servedThrough(req, 'body')) req.body = guarded.body;
}

/** Whether `name` read through `req`'s prototype is the accessor, defined on the topmost app's request if need be. */
function servedThrough(req: ExpressRequest, name: Served): boolean {
  const proto = Object.getPrototypeOf(req) as object | null;
  if (proto === null) return false;
  if (serving[name].has(proto)) return true;
  let top: object | undefined;
  for (let app: object | null = proto; app !== null && Object.hasOwn(app, 'app'); app = Object.getPrototypeOf(app)) {
    if (serving[name].has(app)) return true;
    if (Object.hasOwn(app, name)) return false;
    top = app;
  }
  const accessor = top && ACCESSORS[name](top);
  if (top === undefined || accessor === undefined) return false;
  Object.defineProperty(top, name, accessor);
  serving[name].add(top);
  return true;
}
