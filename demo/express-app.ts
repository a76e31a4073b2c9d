import express from 'express';
import { useExpressServer, type RoutingControllersOptions } from 'routing-controllers';
import type { ResourceProtector } from '../src';
import { oauthBodyParser } from '../src/express';
import { notRouted } from './not-routed';
import { ROUTING_OPTIONS } from './routing';

/** The demo on routing-controllers' Express driver (DEMO_DRIVER=express). */
export function expressDemo(
  protector: ResourceProtector,
  trustProxy: boolean,
  routing: RoutingControllersOptions = ROUTING_OPTIONS,
): express.Express {
  const app = express();
  app.set('trust proxy', trustProxy);
  app.set('env', 'production'); // Express's own error pages without stack traces
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set('X-Content-Type-Options', 'nosniff'); // every answer, errors of the app's own included
    next();
  });
  // Before any other body parser: the guard and the handlers see the exact bytes sent.
  app.use(oauthBodyParser(protector));
  useExpressServer(app, routing);
  // What no action took: 405 or 404, as the Koa demo answers.
  app.use(notRouted);
  // routing-controllers answers an action's errors itself, then hands them on: Express's final handler would log
  // each (a client's validation error included) with its stack. What reaches here unanswered is either Express's
  // own refusal of the request (a route parameter whose escapes are not UTF-8, decoded before any guard runs: a
  // 400, answered as the OAuth errors are) or a fault of the server, logged.
  app.use(lastErrorHandler);
  return app;
}

type RequestError = Error & { status?: unknown };

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- Express knows an error handler by its four parameters
function lastErrorHandler(error: RequestError, _req: express.Request, res: express.Response, _next: () => void) {
  if (res.headersSent) return;
  if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
    res.status(error.status).set('Cache-Control', 'no-store');
    res.json({ error: 'invalid_request', error_description: 'The request is malformed.' });
    return;
  }
  console.error(error);
  res.status(500).json({ name: 'InternalServerError', message: 'Internal Server Error' });
}
