import Router from '@koa/router';
import Koa from 'koa';
import { useKoaServer, type RoutingControllersOptions } from 'routing-controllers';
import { oauthBodyParser, type ResourceProtector } from '../src';
import { allowedMethods } from './not-routed';
import { ROUTING_OPTIONS } from './routing';

/** The methods @koa/router routes by default, as routing-controllers makes its router. */
const ROUTED_METHODS: readonly string[] = new Router().methods;

/** The demo on routing-controllers' Koa driver. */
export function koaDemo(
  protector: ResourceProtector,
  trustProxy: boolean,
  routing: RoutingControllersOptions = ROUTING_OPTIONS,
): Koa {
  const app = new Koa();
  app.proxy = trustProxy;
  app.on('error', (error: Error & { code?: string; status?: number }) => {
    // A client that cuts its request short is not the server's fault: Node's parser reports it (HPE_*).
    if (error.code?.startsWith('HPE_') || error.code === 'ECONNRESET' || (error.status ?? 500) < 500) return;
    console.error(error);
  });
  app.use(async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff'); // every answer, errors of the app's own included
    // @koa/router answers a method it does not route at all (TRACE, PROPFIND) with 501: a request's fault is a 4xx,
    // the one it gives other methods a path does not take (demo/not-routed.ts).
    if (!ROUTED_METHODS.includes(ctx.method)) {
      const allowed = allowedMethods(ctx.path);
      ctx.status = allowed.length === 0 ? 404 : 405;
      if (allowed.length > 0) ctx.set('Allow', allowed.join(', '));
      return;
    }
    await next();
  });
  // Before routing-controllers' own body parser: the guard and the handlers see the exact bytes sent.
  app.use(oauthBodyParser(protector));
  useKoaServer(app, routing);
  return app;
}
