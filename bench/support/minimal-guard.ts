/**
 * The minimal verifier with the guard's contract: the yardstick between the minimal verifier and the guard. It does
 * for the action what the guard does (the request read once by the library's adapter, the verified reading installed
 * where the action reads it by the guard's own `installGuarded`, `currentCredential()`'s AsyncLocalStorage entered by
 * the protector, the credential there for `@Credential()`), with the minimal verifier's lenient checks
 * (bench/support/minimal-verifier.ts) in place of the library's verification. What the guarded route costs above this
 * one is the verification itself: the strict grammar and limits, the stores behind their interfaces and timeouts, the
 * access rules, the error contract. Only for the bench's requests: body-less GETs whose query and body the action does
 * not read, so their parameters are handed over empty.
 */
import type { IncomingMessage } from 'node:http';
import { installGuarded as installExpress } from '../../src/express/guard';
import { expressRequest } from '../../src/express/express-request';
import type { ExpressRequest, ExpressResponse } from '../../src/express/express-types';
import type { HttpRequest } from '../../src/http/http-request';
import { installGuarded as installKoa } from '../../src/koa/guard';
import { koaRequest } from '../../src/koa/koa-request';
import type { KoaContext } from '../../src/koa/koa-types';
import { readRequest, type AdapterRequest } from '../../src/protector/adapter-request';
import type { GuardedRequest, ResourceProtector } from '../../src/protector/resource-protector';
import type { Client, TokenCredential } from '../../src/rfc5849/credentials';
import { isPromiseLike } from '../../src/rfc5849/maybe-promise';
import type { CollectedParameters } from '../../src/rfc5849/parameter-sources';
import type { Identity } from '../../spec/support/sign';
import type { Floor } from './floors';
import { minimalVerify } from './minimal-verifier';

/** The bench's requests carry their parameters in the header alone: nothing for the action's query or body. */
const NONE: CollectedParameters = { header: [], query: [], form: undefined, all: [], oauth: new Map() };

/**
 * Middleware for either driver, like the floors' (Koa calls it with (ctx, next), Express with (req, res, next)):
 * a request the minimal verifier refuses gets an empty 401; one it accepts is handed to the action as the guard
 * hands it, by `protector`, with `client` and `credential` (the bench's stores' answers for `who`).
 */
export function minimalGuard(
  who: Identity,
  protector: ResourceProtector,
  client: Client,
  credential: TokenCredential,
): Floor {
  const verify = minimalVerify(who);
  const guardedOf = (exchange: AdapterRequest): GuardedRequest | undefined => {
    const read = readRequest(exchange, protector.settings.limits.body, false); // the route is not optional
    if (isPromiseLike(read)) throw new TypeError('minimalGuard: the bench sends no body');
    const { method, scheme, host, path, query, authorization = '' } = read;
    const target = query === '' ? path : `${path}?${query}`;
    const signed = verify({ method, scheme, host, target, authorization });
    return signed && guarded(signed.timestamp, signed.nonce, read);
  };
  const guarded = (timestamp: string, nonce: string, request: HttpRequest): GuardedRequest => ({
    client,
    credential,
    clientId: who.consumerKey,
    token: who.token,
    signatureMethod: 'HMAC-SHA1',
    timestamp: Number(timestamp),
    nonce,
    parameters: NONE,
    request,
    query: Object.create(null) as GuardedRequest['query'],
    body: {},
  });
  return (...args) => {
    if (typeof args[2] === 'function') {
      const [req, res, next] = args as [ExpressRequest, ExpressResponse, () => void];
      const found = guardedOf(expressRequest(req));
      if (!found) return res.status(401).end();
      installExpress(protector, req, res.locals, found);
      return protector.runWithCredential(found, next);
    }
    const [ctx, next] = args as [KoaContext & { req: IncomingMessage }, () => unknown];
    const found = guardedOf(koaRequest(ctx));
    if (!found) {
      ctx.status = 401;
      return undefined;
    }
    installKoa(protector, ctx, found);
    return protector.runWithCredential(found, next);
  };
}
