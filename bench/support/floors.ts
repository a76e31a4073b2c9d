/**
 * The cryptography alone, as middleware for either routing-controllers driver (Koa calls it with (ctx, next),
 * Express with (req, res, next)): each does on every request what no verifier can skip (one HMAC-SHA1, or one
 * RSA-SHA1 verification) and nothing else: no parsing, no base string, no stores, no decision. The bench's
 * reference rows load routes behind them, to show how close to `/open` any verifier could come on the machine
 * that runs it.
 */
import type { IncomingMessage } from 'node:http';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { hmac, hmacKey } from '../../src/rfc5849/hmac';

type Next = () => unknown;
type Floor = (...args: unknown[]) => unknown;

/** Runs `work` on the Node request, keeps its result where the driver keeps state, then calls the next handler. */
function middleware(work: (req: IncomingMessage) => string | boolean): Floor {
  return (...args) => {
    if (typeof args[2] === 'function') {
      const [req, res, next] = args as [IncomingMessage, { locals: Record<string, unknown> }, Next];
      res.locals.floor = work(req);
      return next();
    }
    const [ctx, next] = args as [{ req: IncomingMessage; state: Record<string, unknown> }, Next];
    ctx.state.floor = work(ctx.req);
    return next();
  };
}

/**
 * HMAC-SHA1 of the request's `Authorization` header (about as long as its base string), the cheapest way
 * node:crypto allows: the library's own HMAC, its key blocks made once.
 */
export function hmacSha1Floor(secret: string): Floor {
  const key = hmacKey('sha1', Buffer.from(secret, 'utf8'));
  return middleware((req) => hmac(key, req.headers.authorization ?? '', 'base64'));
}

/**
 * RSA-SHA1 verification (`crypto.verify`) of the `Authorization` header against one fixed signature, with the
 * public key parsed once: the public-key operation and the digest of every RSA-SHA1 request (the answer,
 * always false here, does not change what it costs).
 */
export function rsaSha1Floor(publicKeyPem: string, privateKeyPem: string): Floor {
  const publicKey = createPublicKey(publicKeyPem);
  const signature = sign('sha1', Buffer.from('floor'), createPrivateKey(privateKeyPem));
  return middleware((req) => verify('sha1', Buffer.from(req.headers.authorization ?? ''), publicKey, signature));
}
