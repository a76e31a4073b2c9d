/**
 * `req.body` of a guarded Express request, the verified body (`{}` for a request without one), served by an
 * accessor on the app's request prototype (`app.request`, which Express's guide names as the place to override
 * its request's properties) rather than a property added to every request: on Node 20 and 22 each Express request
 * has a hidden class of its own, and adding `body` to it cost 4–7 µs a request (docs/decisions.md).
 *
 * The accessor reads the verified request the guard left on `res.locals`, so it answers the same object the
 * guard verified; a request no guard accepted reads undefined, as it would without it. Assigning `req.body`
 * (a body parser on an unguarded request, the application) makes it an own property again, which the accessor
 * then no longer answers for.
 */
import { verifiedOf } from '../protector/current-credential';
import type { GuardedRequest } from '../protector/guard-request';
import type { ExpressRequest, ExpressResponse } from './express-types';

/** Request prototypes whose `body` is the accessor. */
const serving = new WeakSet<object>();

const verifiedBody = {
  configurable: true,
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
 * its own `app`), or already defines `body`, gets an own property, as any other object would.
 */
export function serveVerifiedBody(req: ExpressRequest, guarded: GuardedRequest): void {
  if (!Object.hasOwn(req, 'body')) {
    const proto = Object.getPrototypeOf(req) as object | null;
    if (proto !== null && (serving.has(proto) || serveFrom(proto))) return;
  }
  req.body = guarded.body;
}

function serveFrom(proto: object): boolean {
  if (!Object.hasOwn(proto, 'app') || 'body' in proto) return false;
  Object.defineProperty(proto, 'body', verifiedBody);
  serving.add(proto);
  return true;
}
