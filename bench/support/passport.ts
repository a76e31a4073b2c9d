/**
 * The peer: passport with passport-http-oauth's TokenStrategy (HMAC-SHA1), given the same clients and tokens as
 * the bench app and, to do the same work, a timestamp window and a nonce check: each nonce is remembered (per
 * client, token and timestamp, in a Set) until its timestamp leaves the window, as a passport user would write it.
 */
import express from 'express';
import passport, { type Handler } from 'passport';
import { TokenStrategy } from 'passport-http-oauth';
import { DEFAULTS } from '../../src/protector/settings';
import type { Identity } from '../../spec/support/sign';
import { HMAC_IDENTITY } from './identities';

/** The window the library's protector has by default, for the same work. */
const WINDOW_SECONDS = DEFAULTS.timestampWindowSeconds;

/**
 * `passport.initialize()` and `passport.authenticate('oauth')`, as a passport user mounts them, for one client
 * and token; the user is `{ token }`.
 */
export function passportOAuth(who: Identity = HMAC_IDENTITY): Handler[] {
  const instance = new passport.Passport();
  const seen = new Map<number, Set<string>>();
  let prunedAt = 0;
  instance.use(
    new TokenStrategy(
      { realm: 'bench' },
      (consumerKey, done) =>
        consumerKey === who.consumerKey ? done(null, { key: consumerKey }, who.consumerSecret) : done(null, false),
      (accessToken, done) =>
        accessToken === who.token ? done(null, { token: accessToken }, who.tokenSecret) : done(null, false),
      (timestamp, nonce, done) => {
        const now = Math.floor(Date.now() / 1000);
        const second = Number(timestamp);
        if (!(Math.abs(second - now) <= WINDOW_SECONDS)) return done(null, false);
        if (now !== prunedAt) {
          prunedAt = now;
          for (const old of seen.keys()) if (old < now - WINDOW_SECONDS) seen.delete(old);
        }
        let nonces = seen.get(second);
        if (!nonces) seen.set(second, (nonces = new Set()));
        if (nonces.has(nonce)) return done(null, false);
        nonces.add(nonce);
        done(null, true);
      },
    ),
  );
  return [instance.initialize(), instance.authenticate('oauth', { session: false })];
}

/**
 * The smallest app a passport user would write for the demo's two GET routes, for the comparison with
 * `npm run demo`: Express, `GET /api/public` open and `GET /api/me` behind passport-http-oauth.
 */
export function passportApp(who: Identity): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/api/public', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/api/me', ...passportOAuth(who), (req, res) => {
    res.json({ user: (req as express.Request & { user?: unknown }).user, client_id: who.consumerKey });
  });
  return app;
}
