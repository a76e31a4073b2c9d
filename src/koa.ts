/**
 * `routing-controllers-oauth1/koa`: the guard and the body parser as plain Koa middleware (also exported
 * from the package's root, for Koa apps).
 */
export { requireOAuth } from './koa/require-oauth';
export { oauthBodyParser } from './koa/body';
export type { OAuthState } from './koa/guard';
export type { KoaContext, KoaMiddleware, KoaNext } from './koa/koa-types';
