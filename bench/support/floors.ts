/**
 * The cryptography alone, as Koa middleware: each does on every request what no verifier can skip (one
 * HMAC-SHA1, or one RSA-SHA1 verification) and nothing else: no parsing, no base string, no stores, no
 * decision. The bench's reference rows load routes behind them, to show how close to `/open` any
 * verifier could come on the machine that runs it.
 */
import type { Middleware } from 'koa';
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { hmac, hmacKey } from '../../src/rfc5849/hmac';
import { rsassaPkcs1v15Verify } from '../../src/rfc5849/rsassa-pkcs1-v1_5';

/** What the floors leave on `ctx.state`, so that their work is used. */
export interface FloorState {
  floor?: string | boolean;
}

/**
 * HMAC-SHA1 of the request's `Authorization` header (about as long as its base string), the cheapest way
 * node:crypto allows: the library's own HMAC, its key blocks made once.
 */
export function hmacSha1Floor(secret: string): Middleware<FloorState> {
  const key = hmacKey('sha1', Buffer.from(secret, 'utf8'));
  return (ctx, next) => {
    ctx.state.floor = hmac(key, ctx.req.headers.authorization ?? '', 'base64');
    return next();
  };
}

/**
 * RSASSA-PKCS1-v1_5 verification of the `Authorization` header against one fixed signature, with the
 * public key parsed once: the public-key operation and the digest of every RSA-SHA1 request (the answer,
 * always false here, does not change what it costs).
 */
export function rsaSha1Floor(publicKeyPem: string, privateKeyPem: string): Middleware<FloorState> {
  const publicKey = createPublicKey(publicKeyPem);
  const signature = sign('sha1', Buffer.from('floor'), createPrivateKey(privateKeyPem));
  return (ctx, next) => {
    ctx.state.floor = rsassaPkcs1v15Verify(publicKey, 'sha1', ctx.req.headers.authorization ?? '', signature);
    return next();
  };
}
