/**
 * `routing-controllers-oauth1/express`: the guard and the body parser as plain Express middleware, for apps
 * without routing-controllers (`@RequireOAuth()` works on routing-controllers' Express driver as it is).
 */
export { requireOAuth } from './express/require-oauth';
export { oauthBodyParser } from './express/body';
export type { ExpressMiddleware, ExpressRequest, ExpressResponse, NextFunction } from './express/express-types';
