/**
 * An Express request, as the protector reads it (see src/protector/adapter-request.ts): Express's own
 * decisions (the original target, whether its `trust proxy` setting trusts this peer, the route's
 * parameters). The body is read by the guard itself, or kept by `oauthBodyParser(protector)`.
 */
import type { AdapterRequest } from '../protector/adapter-request';
import type { ExpressRequest } from './express-types';

type Trust = (address: string | undefined, hop: number) => boolean;

/**
 * Whether Express trusts the peer's X-Forwarded-* headers: its `trust proxy` setting, compiled by Express into
 * 'trust proxy fn' (a hop count, subnets or a function), asked as Express asks it for `req.protocol`.
 */
function trustsProxy(req: ExpressRequest): boolean {
  const trust = req.app.get('trust proxy fn');
  if (typeof trust === 'function') return (trust as Trust)(req.socket.remoteAddress, 0);
  return req.app.get('trust proxy') === true;
}

/** Route parameters as access rules see them: a wildcard's segments (Express 5) joined by "/", as in the path. */
function routeParams(params: ExpressRequest['params']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) flat[name] = Array.isArray(value) ? value.join('/') : value;
  return flat;
}

/** `uploadsReadLater`: read for a routing-controllers checker (src/protector/adapter-request.ts). */
export function expressRequest(req: ExpressRequest, uploadsReadLater = false): AdapterRequest {
  const trustProxy = () => trustsProxy(req);
  return { req, target: req.originalUrl, trustProxy, params: routeParams(req.params), uploadsReadLater };
}
