import express from 'express';
import { useExpressServer } from 'routing-controllers';
import type { ResourceProtector } from '../src';
import { oauthBodyParser } from '../src/express';
import { ROUTING_OPTIONS } from './routing';

/** The demo on routing-controllers' Express driver (DEMO_DRIVER=express). */
export function expressDemo(protector: ResourceProtector, trustProxy: boolean): express.Express {
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
  useExpressServer(app, ROUTING_OPTIONS);
  // routing-controllers answers an action's errors itself, then hands them on: Express's final handler would log
  // each (a client's validation error included) with its stack. A 5xx the app did not answer is logged here.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- Express knows an error handler by its four parameters
  app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if (res.headersSent) return;
    console.error(error);
    res.status(500).json({ name: 'InternalServerError', message: 'Internal Server Error' });
  });
  return app;
}
