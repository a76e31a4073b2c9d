/**
 * Interop with the client libraries that the users of OAuth 1.0a APIs named in the README sign with, each used as
 * its own users use it, against a Koa and an Express app guarded by this library:
 *
 * - X/Twitter: `twitter-api-v2` (its `TwitterApi` client, three-legged HMAC-SHA1: v1.1's GET with a query and
 *   form-encoded POST, v2's GET with OAuth 1.0a user context, and v2's JSON POST, whose body it does not sign, refused),
 *   pointed at the app with its `prefix` option and an `http.Agent`;
 * - NetSuite: `netsuite-rest` (REST web services), three-legged HMAC-SHA256 in the header with the account ID as its
 *   realm, pointed at the app with its `base_url` option; a record GET with a query is verified, and its SuiteQL POST,
 *   a JSON body without `oauth_body_hash`, is refused as the README says;
 * - Magento 2: `magento-api-rest` over https (as stores are served; over http it encodes its query again),
 *   three-legged HMAC-SHA1 or HMAC-SHA256 in the header, its searches in bracketed query names
 *   (`searchCriteria[page_size]`), and without a filter a bare `?searchCriteria` (a name without "=", signed with an
 *   empty value); its JSON writes, whose fields it signs as if they were a form, are refused too;
 * - WooCommerce: `@woocommerce/woocommerce-rest-api` over plain http, where it signs two-legged HMAC-SHA256 with
 *   the `oauth_` parameters in the query string. Given parameters, it sends each of them twice and signs it once
 *   (refused, as §3.4.1.3.1 signs every one); its JSON writes carry no `oauth_body_hash`, and are refused as the
 *   README says (a body no signature covers);
 * - Mastercard: `mastercard-oauth1-signer`, two-legged RSA-SHA256 with `oauth_body_hash` (SHA-256) on every request,
 *   a GET's hash being that of the empty body, over Mastercard's base string (not RFC 5849's: routes with
 *   `baseString: 'mastercard'`); its RSA-PSS variant is not a method of RFC 5849 or of this library;
 * - LTI 1.1 outcomes: `ims-lti`'s `OutcomeService` posting a replaceResult POX body, two-legged HMAC-SHA1 with
 *   `oauth_body_hash` and an empty realm, and reading the platform's POX answer;
 * - `oauth-sign`, the signer of the `request` HTTP client (and of the libraries built on it): it computes the
 *   signature from the parameters, and the header is put together as `request` did (lib/oauth.js: `realm` first,
 *   the names sorted, every value in its RFC 3986 encoding, `oauth_signature` last).
 *
 * Each accepted request is checked against what the guard verified (client, token, method, where the protocol
 * parameters were, the body bytes), so that a test cannot pass by the wrong route.
 */
import Router from '@koa/router';
import WooCommerceRestApi from '@woocommerce/woocommerce-rest-api';
import express, { type NextFunction, type Request, type Response } from 'express';
import { OutcomeService } from 'ims-lti/lib/extensions/outcomes';
import Koa, { type Context } from 'koa';
import MagentoRestApi from 'magento-api-rest';
import MastercardOAuth from 'mastercard-oauth1-signer';
import NetsuiteRest from 'netsuite-rest';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { Agent, createServer } from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'node:querystring';
import { rfc3986, sign as oauthSign } from 'oauth-sign';
import { ApiResponseError, TwitterApi } from 'twitter-api-v2';
import {
  MemoryNonceCache,
  oauthBodyParser,
  requireOAuth,
  ResourceProtector,
  type Client,
  type GuardedRequest,
  type OAuthState,
  type RouteOptions,
  type TokenCredential,
} from '../src';
import { parseAuthorizationHeader } from '../src/core';
import { oauthBodyParser as expressBodyParser, requireOAuth as expressGuard } from '../src/express';
import { expectWarning, PLAIN_HTTP_NOTICE } from './support/console';
import { DEMO_PRIVATE_KEY } from './support/sign';
import { TEST_CERT, TEST_KEY } from './support/tls-fixture';

const DEMO_PUBLIC_KEY = readFileSync(join(__dirname, '..', 'demo', 'keys', 'client.pub.pem'), 'utf8');

/** Characters every layer must encode and decode alike. */
const TRICKY = "a b+c/d=e&f 100% é 日本 *!~'()";

const X = { consumerKey: 'x-consumer', consumerSecret: 'x-secret', token: 'x-token', tokenSecret: 'x-token-secret' };
// NetSuite's account ID, the realm its clients send, has an underscore for a sandbox.
const NETSUITE = {
  consumerKey: 'ns-consumer-0123456789abcdef',
  consumerSecret: 'ns-consumer-secret',
  token: 'ns-token-0123456789abcdef',
  tokenSecret: 'ns-token-secret',
  realm: '1234567_SB1',
};
const MAGENTO = {
  consumerKey: 'mg-consumer',
  consumerSecret: 'mg-consumer-secret',
  accessToken: 'mg-access-token',
  tokenSecret: 'mg-token-secret',
};
const WOO = { consumerKey: 'ck_woo', consumerSecret: 'cs_woo' };
const MASTERCARD = { consumerKey: 'mc-consumer!0123456789' };
const LTI = { consumerKey: 'lti-tool', consumerSecret: 'lti-tool-secret' };

const clients: Record<string, Client> = {
  [X.consumerKey]: { getClientSecret: () => X.consumerSecret, getRsaPublicKey: () => undefined },
  [NETSUITE.consumerKey]: { getClientSecret: () => NETSUITE.consumerSecret, getRsaPublicKey: () => undefined },
  [MAGENTO.consumerKey]: { getClientSecret: () => MAGENTO.consumerSecret, getRsaPublicKey: () => undefined },
  [WOO.consumerKey]: { getClientSecret: () => WOO.consumerSecret, getRsaPublicKey: () => undefined },
  [MASTERCARD.consumerKey]: { getClientSecret: () => undefined, getRsaPublicKey: () => DEMO_PUBLIC_KEY },
  [LTI.consumerKey]: { getClientSecret: () => LTI.consumerSecret, getRsaPublicKey: () => undefined },
};
/** The token credentials, by their client and token. */
const tokens = new Map<string, TokenCredential>(
  [
    [X.consumerKey, X.token, X.tokenSecret],
    [NETSUITE.consumerKey, NETSUITE.token, NETSUITE.tokenSecret],
    [MAGENTO.consumerKey, MAGENTO.accessToken, MAGENTO.tokenSecret],
  ].map(([client, token, secret]) => [
    `${client} ${token}`,
    { getOAuthToken: () => token, getOAuthTokenSecret: () => secret },
  ]),
);

/** What the guard verified, as the routes answer it. */
interface Verified {
  client: string;
  token: string | null;
  method: string;
  /** Where `oauth_consumer_key` was: Authorization header, query string or form body. */
  place: 'header' | 'query' | 'form';
  query: Record<string, unknown>;
  body: unknown;
  /** The verified body bytes, as text. */
  bodyText: string;
  /** The realm of the request's Authorization header, which no signature covers; null without one. */
  realm: string | null;
}

function verifiedOf(oauth: GuardedRequest): Verified {
  const { header, query } = oauth.parameters;
  const has = (list: readonly { name: string }[] | undefined) => !!list?.some((p) => p.name === 'oauth_consumer_key');
  return {
    client: oauth.clientId,
    token: oauth.token ?? null,
    method: oauth.signatureMethod,
    place: has(header) ? 'header' : has(query) ? 'query' : 'form',
    query: { ...oauth.query },
    body: oauth.body,
    bodyText: oauth.request.body.toString('utf8'),
    // The header was verified, so the library's own parser reads it.
    realm: oauth.request.authorization ? (parseAuthorizationHeader(oauth.request.authorization).realm ?? null) : null,
  };
}

/** The platform's answer to an outcomes request, which `OutcomeService` reads. */
const POX_SUCCESS = `<?xml version="1.0" encoding="UTF-8"?>
<imsx_POXEnvelopeResponse xmlns="http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0">
  <imsx_POXHeader><imsx_POXResponseHeaderInfo><imsx_version>V1.0</imsx_version>
    <imsx_messageIdentifier>1</imsx_messageIdentifier>
    <imsx_statusInfo><imsx_codeMajor>success</imsx_codeMajor><imsx_severity>status</imsx_severity>
    <imsx_description>Score read</imsx_description></imsx_statusInfo>
  </imsx_POXResponseHeaderInfo></imsx_POXHeader>
  <imsx_POXBody><replaceResultResponse/></imsx_POXBody>
</imsx_POXEnvelopeResponse>`;

const TWO_LEGGED: RouteOptions = { twoLegged: true };
const MASTERCARD_STYLE: RouteOptions = { twoLegged: true, baseString: 'mastercard' };

/** Routes: path, method, route options, and whether the answer is the outcomes POX. */
const ROUTES: { method: 'get' | 'post'; path: string; options: RouteOptions; pox?: true }[] = [
  { method: 'get', path: '/1.1/statuses/home_timeline.json', options: {} },
  { method: 'get', path: '/2/users/me', options: {} },
  { method: 'post', path: '/2/tweets', options: {} },
  { method: 'post', path: '/1.1/statuses/update.json', options: {} },
  { method: 'get', path: '/services/rest/record/v1/customer', options: {} },
  { method: 'post', path: '/services/rest/query/v1/suiteql', options: {} },
  { method: 'get', path: '/rest/V1/products', options: {} },
  { method: 'post', path: '/rest/V1/products', options: {} },
  { method: 'get', path: '/wp-json/wc/v3/products', options: TWO_LEGGED },
  { method: 'post', path: '/wp-json/wc/v3/products', options: TWO_LEGGED },
  { method: 'get', path: '/mc/accounts', options: MASTERCARD_STYLE },
  { method: 'post', path: '/mc/payments', options: MASTERCARD_STYLE },
  { method: 'get', path: '/rfc/accounts', options: TWO_LEGGED },
  { method: 'post', path: '/lti/outcomes', options: TWO_LEGGED, pox: true },
];

type Driver = 'koa' | 'express';

interface App {
  base: string;
  /** The same app over https (the fixture's self-signed certificate). */
  secureBase: string;
  /** The last verified request of each app, for the outcomes route (whose answer is XML). */
  last?: Verified;
  /** Errors the app saw with a 5xx status or none. */
  errors: unknown[];
  stop(): Promise<void>;
}

/** What an app's routes record, before it listens. */
type AppState = Omit<App, 'base' | 'secureBase' | 'stop'>;
type Handler = Parameters<typeof createHttpsServer>[1];

/** The app's handler on loopback over http and over https. */
async function listen(handler: Handler, app: AppState): Promise<App> {
  const servers = [createServer(handler), createHttpsServer({ key: TEST_KEY, cert: TEST_CERT }, handler)];
  const bases = await Promise.all(
    servers.map(async (server, i) => {
      await once(server.listen(0, '127.0.0.1'), 'listening');
      return `${i === 0 ? 'http' : 'https'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }),
  );
  return Object.assign(app, {
    base: bases[0],
    secureBase: bases[1],
    stop: async () => {
      await Promise.all(
        servers.map((server) => {
          server.closeAllConnections();
          return new Promise((resolve) => server.close(resolve));
        }),
      );
    },
  });
}

function koaApp(protector: ResourceProtector): Promise<App> {
  const state: AppState = { errors: [] };
  const router = new Router();
  for (const route of ROUTES) {
    router[route.method](route.path, requireOAuth(protector, route.options), (ctx: Context) => {
      state.last = verifiedOf((ctx.state as OAuthState).oauth);
      if (route.pox) ctx.type = 'application/xml';
      ctx.body = route.pox ? POX_SUCCESS : state.last;
    });
  }
  const app = new Koa();
  app.on('error', (error: { status?: number }) => {
    if (!error.status || error.status >= 500) state.errors.push(error);
  });
  app.use(oauthBodyParser(protector)).use(router.routes());
  return listen(app.callback(), state);
}

function expressApp(protector: ResourceProtector): Promise<App> {
  const state: AppState = { errors: [] };
  const app = express();
  app.use(expressBodyParser(protector));
  for (const route of ROUTES) {
    app[route.method](route.path, expressGuard(protector, route.options), (_req: Request, res: Response) => {
      state.last = verifiedOf((res.locals as { oauth: GuardedRequest }).oauth);
      if (route.pox) res.type('application/xml').send(POX_SUCCESS);
      else res.json(state.last);
    });
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- Express knows an error handler by its four parameters
  app.use((error: { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    state.errors.push(error);
    res.status(500).end();
  });
  return listen(app, state);
}

let protector: ResourceProtector;
const apps = {} as Record<Driver, App>;

beforeAll(async () => {
  protector = expectWarning(
    PLAIN_HTTP_NOTICE,
    () =>
      new ResourceProtector({
        queryClient: (clientId) => clients[clientId],
        queryToken: (clientId, token) => tokens.get(`${clientId} ${token}`),
        nonceCache: new MemoryNonceCache(),
        signatureMethods: ['HMAC-SHA1', 'HMAC-SHA256', 'RSA-SHA1', 'RSA-SHA256', 'PLAINTEXT'],
        allowInsecureTransport: true, // most clients here talk to loopback over plain http
      }),
  );
  apps.koa = await koaApp(protector);
  apps.express = await expressApp(protector);
});
afterAll(() => Promise.all(Object.values(apps).map((app) => app.stop())));
afterEach(() => {
  for (const app of Object.values(apps)) expect(app.errors).toEqual([]);
});

interface Reply {
  status: number;
  body: Verified & { error?: string; error_description?: string };
}

async function send(url: string, init: RequestInit): Promise<Reply> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Reply['body'] };
}

const DRIVERS: Driver[] = ['koa', 'express'];

describe.each(DRIVERS)('on %s', (driver) => {
  const base = () => apps[driver].base;

  describe('twitter-api-v2 (X v1.1 and v2, three-legged HMAC-SHA1)', () => {
    const x = () =>
      new TwitterApi(
        { appKey: X.consumerKey, appSecret: X.consumerSecret, accessToken: X.token, accessSecret: X.tokenSecret },
        { httpAgent: new Agent() }, // lets it speak plain http to the app
      ).v1;

    it('a GET with a query is verified, and the action reads the query it signed', async () => {
      const timeline = await x().get<Verified>(
        'statuses/home_timeline.json',
        { count: 20, include_entities: true, q: TRICKY },
        { prefix: `${base()}/1.1/` },
      );
      expect(timeline).toMatchObject({ client: X.consumerKey, token: X.token, method: 'HMAC-SHA1', place: 'header' });
      expect(timeline.query).toEqual({ count: '20', include_entities: 'true', q: TRICKY });
    });

    it('a form-encoded POST is verified with its body parameters', async () => {
      const tweet = await x().post<Verified>('statuses/update.json', { status: TRICKY }, { prefix: `${base()}/1.1/` });
      expect(tweet).toMatchObject({ client: X.consumerKey, token: X.token, place: 'header' });
      expect(tweet.body).toEqual({ status: TRICKY });
    });

    it('a v2 GET with a query is verified (OAuth 1.0a user context)', async () => {
      const me = await x().get<Verified>('users/me', { 'user.fields': 'id,name' }, { prefix: `${base()}/2/` });
      expect(me).toMatchObject({ client: X.consumerKey, token: X.token, place: 'header' });
      expect(me.query).toEqual({ 'user.fields': 'id,name' });
    });

    it('a v2 JSON POST, whose body it does not sign, is 400 missing_required_parameter (oauth_body_hash)', async () => {
      const refused = await x()
        .post('tweets', { text: TRICKY }, { prefix: `${base()}/2/` })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ApiResponseError);
      expect((refused as ApiResponseError).code).toBe(400);
      expect((refused as ApiResponseError).data).toMatchObject({ error: 'missing_required_parameter' });
    });

    it('a wrong access secret is refused with the OAuth error body', async () => {
      const wrong = new TwitterApi(
        { appKey: X.consumerKey, appSecret: X.consumerSecret, accessToken: X.token, accessSecret: 'not-it' },
        { httpAgent: new Agent() },
      ).v1;
      const refused = await wrong.get('statuses/home_timeline.json', {}, { prefix: `${base()}/1.1/` }).catch((e) => e);
      expect(refused).toBeInstanceOf(ApiResponseError);
      expect((refused as ApiResponseError).code).toBe(401);
      expect((refused as ApiResponseError).data).toMatchObject({ error: 'invalid_signature' });
    });
  });

  describe('netsuite-rest (NetSuite, three-legged HMAC-SHA256 with the account ID as realm)', () => {
    const netsuite = (tokenSecret = NETSUITE.tokenSecret) =>
      new NetsuiteRest({
        consumer_key: NETSUITE.consumerKey,
        consumer_secret_key: NETSUITE.consumerSecret,
        token: NETSUITE.token,
        token_secret: tokenSecret,
        realm: NETSUITE.realm,
        base_url: base(),
      });
    /** got's answer to a refused request. */
    const refusal = (error: { response?: { statusCode: number; body: string } }) => ({
      status: error.response?.statusCode,
      body: JSON.parse(error.response?.body ?? '{}') as Reply['body'],
    });
    const q = 'email START_WITH "barbara" AND (id > 5)';

    it('a record GET with a query is verified, and the action reads the query it signed', async () => {
      const path = `record/v1/customer?limit=5&offset=0&q=${encodeURIComponent(q)}`;
      const { data } = await netsuite().request({ path });
      expect(data).toMatchObject({
        client: NETSUITE.consumerKey,
        token: NETSUITE.token,
        method: 'HMAC-SHA256',
        place: 'header',
        realm: NETSUITE.realm,
        query: { limit: '5', offset: '0', q },
      });
    });

    it('a SuiteQL POST, a JSON body it does not sign, is 400 missing_required_parameter (oauth_body_hash)', async () => {
      const body = JSON.stringify({ q: 'SELECT id FROM customer' });
      const heads = { 'content-type': 'application/json' };
      const refused = await netsuite()
        .request({ path: 'query/v1/suiteql', method: 'POST', body, heads })
        .then(() => ({}), refusal);
      expect(refused).toMatchObject({ status: 400, body: { error: 'missing_required_parameter' } });
      expect((refused as ReturnType<typeof refusal>).body.error_description).toMatch(/oauth_body_hash/);
    });

    it('a wrong token secret is refused with the OAuth error body', async () => {
      const refused = await netsuite('not-it')
        .request({ path: 'record/v1/customer' })
        .then(() => ({}), refusal);
      expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
    });
  });

  describe('magento-api-rest (Magento 2, three-legged HMAC-SHA1 and HMAC-SHA256)', () => {
    // A store is served over https, where the client sends its query as it built it (over http it encodes it again).
    const magento = (sha: 1 | 256, secure = true) =>
      new MagentoRestApi({
        url: secure ? apps[driver].secureBase : base(),
        ...MAGENTO,
        sha,
        axiosConfig: { httpsAgent: new HttpsAgent({ ca: TEST_CERT, checkServerIdentity: () => undefined }) },
      });
    type Sent = { data: Verified; request: { path: string } };
    type Refused = { response?: { status: number; data: Reply['body'] } };

    it.each([
      [1, 'HMAC-SHA1'],
      [256, 'HMAC-SHA256'],
    ] as const)(
      'a search in bracketed query names is verified (sha %s), and the action reads it',
      async (sha, method) => {
        const { data, request }: Sent = await magento(sha).get('products', {
          $perPage: 5,
          $page: 2,
          $sort: { name: 'ASC' },
        });
        expect(request.path).toContain('searchCriteria[sort_orders][0][field]=name');
        expect(data).toMatchObject({
          client: MAGENTO.consumerKey,
          token: MAGENTO.accessToken,
          method,
          place: 'header',
        });
        expect(data.query).toEqual({
          'searchCriteria[sort_orders][0][field]': 'name',
          'searchCriteria[sort_orders][0][direction]': 'ASC',
          'searchCriteria[page_size]': '5',
          'searchCriteria[current_page]': '2',
        });
      },
    );

    it.each([
      ['https', true, '?searchCriteria'],
      ['plain http', false, '?searchCriteria='],
    ])('a GET without a filter is verified over %s, its query written %s', async (_, secure, written) => {
      const { data, request }: Sent = await magento(256, secure).get('products');
      expect(request.path.endsWith(`/rest/V1/products${written}`)).toBe(true);
      expect(data).toMatchObject({ client: MAGENTO.consumerKey, method: 'HMAC-SHA256', query: { searchCriteria: '' } });
    });

    it('a JSON write, whose fields it signs as a form, is 400 missing_required_parameter (oauth_body_hash)', async () => {
      const refused = await magento(256)
        .post('products', { product: { sku: 'MJ01', name: 'Jacket', price: 42 } })
        .catch((e: Refused) => e.response);
      expect(refused).toMatchObject({ status: 400, data: { error: 'missing_required_parameter' } });
      expect(refused?.data.error_description).toMatch(/oauth_body_hash/);
    });
  });

  describe('@woocommerce/woocommerce-rest-api (two-legged HMAC-SHA256 in the query, plain http)', () => {
    const woo = () =>
      new WooCommerceRestApi({
        url: base(),
        consumerKey: WOO.consumerKey,
        consumerSecret: WOO.consumerSecret,
        version: 'wc/v3',
      });

    it('a GET is verified, the oauth_ parameters in the query', async () => {
      const { data } = await woo().get('products');
      expect(data).toMatchObject({ client: WOO.consumerKey, token: null, method: 'HMAC-SHA256', place: 'query' });
    });

    it('a GET with parameters sends each twice, signed once: 401 invalid_signature (as RFC 5849 §3.4.1.3.1 says)', async () => {
      // oauth-1.0a's authorize() adds the URL's parameters to the oauth_ ones it returns, and the client hands those
      // to axios as parameters of the URL that already holds them; PHP's $_GET, which WooCommerce reads, keeps one.
      const refused = await woo()
        .get('products', { per_page: 20, status: 'publish' })
        .catch((e: { response?: { status: number; data: Reply['body']; request: { path: string } } }) => e.response);
      expect(refused?.request.path).toMatch(/per_page=20.*per_page=20/);
      expect(refused).toMatchObject({ status: 401, data: { error: 'invalid_signature' } });
    });

    it('a JSON write, whose body it does not sign, is 400 missing_required_parameter (oauth_body_hash)', async () => {
      const refused = await woo()
        .post('products', { name: 'Premium Quality', regular_price: '21.99' })
        .catch((e: { response?: { status: number; data: Reply['body'] } }) => e.response);
      expect(refused?.status).toBe(400);
      expect(refused?.data).toMatchObject({ error: 'missing_required_parameter' });
      expect(refused?.data.error_description).toMatch(/oauth_body_hash/);
    });
  });

  describe("mastercard-oauth1-signer (two-legged RSA-SHA256 with oauth_body_hash, baseString: 'mastercard')", () => {
    const signed = (url: string, method: string, payload: string | null, signatureMethod?: 'RSA-PSS-SHA256') =>
      MastercardOAuth.getAuthorizationHeader(
        url,
        method,
        payload,
        MASTERCARD.consumerKey,
        DEMO_PRIVATE_KEY,
        signatureMethod,
      );

    it('a JSON POST is verified with its body hash, and the action reads the very bytes', async () => {
      const url = `${base()}/mc/payments?currency=EUR&amount=10.50`;
      const payload = JSON.stringify({ amount: '10.50', merchant: TRICKY });
      const reply = await send(url, {
        method: 'POST',
        headers: { Authorization: signed(url, 'POST', payload), 'Content-Type': 'application/json' },
        body: payload,
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ client: MASTERCARD.consumerKey, token: null, method: 'RSA-SHA256' });
      expect(reply.body.query).toEqual({ currency: 'EUR', amount: '10.50' });
      expect(reply.body.bodyText).toBe(payload);
      expect(reply.body.body).toEqual({ amount: '10.50', merchant: TRICKY });
    });

    it.each([
      ['as written, ":" unescaped (as its clients write dates)', 'from=2026-12-01T00:00:00Z&status=settled'],
      ['escaped', 'from=2026-12-01T00%3A00%3A00Z&q=caf%C3%A9%20au%20lait'],
    ])('a GET carries the hash of the empty body, its query %s', async (_how, query) => {
      const url = `${base()}/mc/accounts?${query}`;
      const reply = await send(url, { headers: { Authorization: signed(url, 'GET', null) } });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ client: MASTERCARD.consumerKey, method: 'RSA-SHA256', bodyText: '' });
      expect(reply.body.query).toEqual(Object.fromEntries(new URLSearchParams(query)));
    });

    it("on a route of RFC 5849's base string (the default), its requests are 401 invalid_signature", async () => {
      // Its body hash (base64, ending in "=") and its consumer key ("!") are encoded once where the RFC has twice.
      const url = `${base()}/rfc/accounts`;
      const reply = await send(url, { headers: { Authorization: signed(url, 'GET', null) } });
      expect(reply).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
    });

    it('a body changed after signing is 401 invalid_signature', async () => {
      const url = `${base()}/mc/payments`;
      const reply = await send(url, {
        method: 'POST',
        headers: { Authorization: signed(url, 'POST', '{"amount":"1.00"}'), 'Content-Type': 'application/json' },
        body: '{"amount":"1000.00"}',
      });
      expect(reply).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
    });

    it('its RSA-PSS variant, not a method of RFC 5849, is 400 unsupported_signature_method', async () => {
      const url = `${base()}/mc/accounts`;
      const reply = await send(url, { headers: { Authorization: signed(url, 'GET', null, 'RSA-PSS-SHA256') } });
      expect(reply).toMatchObject({ status: 400, body: { error: 'unsupported_signature_method' } });
    });
  });

  describe("ims-lti's OutcomeService (LTI 1.1 replaceResult, two-legged HMAC-SHA1 with oauth_body_hash)", () => {
    it('the grade is verified, and the action reads the POX body the hash covers', async () => {
      const service = new OutcomeService({
        consumer_key: LTI.consumerKey,
        consumer_secret: LTI.consumerSecret,
        service_url: `${base()}/lti/outcomes`,
        source_did: 'course-42:unit-3:user-1001',
      });
      const ok = await new Promise((resolve, reject) =>
        service.send_replace_result(0.92, (error, done) => (error ? reject(error) : resolve(done))),
      );
      expect(ok).toBe(true); // it read the POX success the route answered
      const last = apps[driver].last as Verified;
      expect(last).toMatchObject({ client: LTI.consumerKey, token: null, method: 'HMAC-SHA1', place: 'header' });
      expect(last.bodyText).toContain('<sourcedId>course-42:unit-3:user-1001</sourcedId>');
      expect(last.bodyText).toContain('<textString>0.92</textString>');
    });
  });

  describe("oauth-sign (the request HTTP client's signer)", () => {
    /** The `Authorization` header as request's lib/oauth.js built it around oauth-sign. */
    function requestStyle(
      method: string,
      url: string,
      form: Record<string, string>,
      oauth: Record<string, string>,
      secret: string,
      tokenSecret?: string,
      realm?: string,
    ): string {
      const u = new URL(url);
      const params: Record<string, string> = {
        oauth_version: '1.0',
        oauth_timestamp: String(Math.floor(Date.now() / 1000)),
        oauth_nonce: crypto.randomUUID().replace(/-/g, ''),
        ...oauth,
      };
      const all = Object.fromEntries(
        new URLSearchParams([u.search.slice(1), stringify(form), stringify(params)].filter(Boolean).join('&')),
      );
      params.oauth_signature = oauthSign(
        params.oauth_signature_method,
        method,
        `${u.protocol}//${u.host}${u.pathname}`,
        all,
        secret,
        tokenSecret,
      );
      const names = Object.keys(params)
        .filter((n) => n !== 'oauth_signature')
        .sort();
      const pairs = [
        ...(realm ? [['realm', realm]] : []),
        ...names.map((n) => [n, params[n]]),
        ['oauth_signature', params.oauth_signature],
      ];
      return `OAuth ${pairs.map(([n, v]) => `${n}="${rfc3986(v)}"`).join(',')}`;
    }

    it.each(['HMAC-SHA1', 'HMAC-SHA256', 'PLAINTEXT'])(
      '%s, three-legged, a GET with a query and a realm',
      async (method) => {
        const url = `${base()}/1.1/statuses/home_timeline.json?count=20&q=${encodeURIComponent(TRICKY)}`;
        const authorization = requestStyle(
          'GET',
          url,
          {},
          { oauth_consumer_key: X.consumerKey, oauth_token: X.token, oauth_signature_method: method },
          X.consumerSecret,
          X.tokenSecret,
          'https://api.example.com/',
        );
        const reply = await send(url, { headers: { Authorization: authorization } });
        expect(reply.status).toBe(200);
        expect(reply.body).toMatchObject({
          client: X.consumerKey,
          token: X.token,
          method,
          query: { count: '20', q: TRICKY },
        });
      },
    );

    it('HMAC-SHA1, a form POST', async () => {
      const url = `${base()}/1.1/statuses/update.json`;
      const form = { status: TRICKY };
      const authorization = requestStyle(
        'POST',
        url,
        form,
        { oauth_consumer_key: X.consumerKey, oauth_token: X.token, oauth_signature_method: 'HMAC-SHA1' },
        X.consumerSecret,
        X.tokenSecret,
      );
      const reply = await send(url, {
        method: 'POST',
        headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: stringify(form),
      });
      expect(reply.status).toBe(200);
      expect(reply.body.body).toEqual(form);
    });

    it('RSA-SHA1, two-legged', async () => {
      const url = `${base()}/rfc/accounts?account_id=42`;
      const authorization = requestStyle(
        'GET',
        url,
        {},
        { oauth_consumer_key: MASTERCARD.consumerKey, oauth_signature_method: 'RSA-SHA1' },
        DEMO_PRIVATE_KEY,
      );
      const reply = await send(url, { headers: { Authorization: authorization } });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ client: MASTERCARD.consumerKey, token: null, method: 'RSA-SHA1' });
    });
  });
});
