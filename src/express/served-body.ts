/**
 * `req.body` of a guarded Express request, the verified body (`{}` for a request without one), served by an
 * accessor on the app's request prototype (`app.request`, which Express's guide names as the place to override
 * its request's properties) rather than a property added to every request: on Node 20 and 22 each Express request
 * has a hidden class of its own, and adding `body` to it cost 4–6 µs a request (docs/decisions.md).
 *
 * The accessor reads the verified request the guard left on `res.locals`, so it answers the same object the
 * guard verified; a request no guard accepted reads undefined, as it would without it. Assigning `req.body`
 * (a body parser on an unguarded request, the application) makes it an own property again, which the accessor
 * then no longer answers for.
 *
 * It goes on the topmost app's request: a mounted app's `app.request` inherits from its parent's, so every app of
 * one tree reads `body` the same way, whichever served a guarded request first, and a request still reads its
 * verified body after it leaves a mounted app. It cannot be redefined or deleted: what the guard verified is the
 * only body it answers.
 */
import { verifiedOf } from '../protector/current-credential';
import type { GuardedRequest } from '../protector/guard-request';
import type { ExpressRequest, ExpressResponse } from './express-types';

/** App requests that hold the accessor. */
const serving = new WeakSet<object>();

const verifiedBody = {
  configurable: false,
  enumerable: true,
  get(this: ExpressRequest & { res?: ExpressResponse }): unknown {
    const locals: unknown = this.res?.locals;
    return typeof locals === 'object' && locals !== null ? verifiedOf(locals)?.body : undefined;
  },
  set(this: object, value: unknown): void {
    Object.defineProperty(this, 'body', { value, writable: true, enumerable: true, configurable: true });
  },
};

/**
 * Makes `req.body` read `guarded.body`, once `guarded` is remembered on `res.locals`. An own `body` (a parser
 * that ran before the guard) is replaced; a request whose prototype is not an Express app's request (one with
 * its own `app`), or whose prototypes define a `body` of their own, gets an own property, as any other object would.
 */
export function serveVerifiedBody(req: ExpressRequest, guarded: GuardedRequest): void {
  if (!Object.hasOwn(req, 'body')) {
    const proto = Object.getPrototypeOf(req) as object | null;
    if (proto !== null && (serving.has(proto) || servesBody(proto))) return;
  }
  req.body = guarded.body;
}

/** Whether `body` read through `proto` is the accessor, which it defines on the topmost app's request if need be. */
function servesBody(proto: object): boolean {
  let top: object | undefined;
  for (let app: object | null = proto; app !== null && Object.hasOwn(app, 'app'); app = Object.getPrototypeOf(app)) {
    if (serving.has(app)) return true;
    if (Object.hasOwn(app, 'body')) return false;
    top = app;
  }
  if (top === undefined || 'body' in top) return false;
  Object.defineProperty(top, 'body', verifiedBody);
  serving.add(top);
  return true;
}
