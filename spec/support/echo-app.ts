/**
 * Small apps whose guarded actions answer with what the ACTION sees, for the differential spec, all sharing
 * one protector:
 * - `koa-controllers`: routing-controllers' Koa driver (values through its own parameter decorators:
 *   `@QueryParams()`, `@QueryParam()`, `@Body()` untyped and as a class-validator DTO, `@BodyParam()`,
 *   `@HeaderParam('host')`, `@Req()`), behind the Koa `oauthBodyParser(protector)`, no proxy trusted;
 * - `koa-plain`: plain @koa/router behind `requireOAuth(protector)`, with koa-bodyparser parsing bodies before
 *   the guard and `app.proxy` on (X-Forwarded-Host and X-Forwarded-Proto trusted);
 * - `express5-controllers`, `express4-controllers`: routing-controllers' Express driver (`useExpressServer`)
 *   on Express 5 and 4, the same controller, no proxy trusted. On Express 5 the guard reads the body itself
 *   and routing-controllers' body-parser runs after it; on Express 4 the Express `oauthBodyParser(protector)`
 *   reads it first (as in the demo);
 * - `express5-plain`, `express4-plain`: plain Express routes behind the Express `requireOAuth(protector)`, with
 *   the Express `oauthBodyParser(protector)` and `trust proxy` true (X-Forwarded-* trusted, as `app.proxy`).
 * Each answer also carries the guard's reading from `ctx.state.oauth` or `res.locals.oauth`, so a test can hold
 * the one to the other.
 *
 * Values are described with `shapeOf`, which keeps what JSON would lose: prototypes (a flat object has
 * none), `undefined`, and the class of a DTO.
 *
 * Like the demo, the routing-controllers apps find their protector as `ResourceProtector` in typedi's global
 * container.
 */
import 'reflect-metadata';
import Router from '@koa/router';
import { IsOptional, IsString } from 'class-validator';
import express4, { type NextFunction, type Request, type Response } from 'express';
import express5 from 'express5';
import Koa, { type Context, type Request as KoaRequest } from 'koa';
import bodyParser from 'koa-bodyparser';
import type { Server } from 'node:http';
import {
  Body,
  BodyParam,
  Get,
  HeaderParam,
  JsonController,
  Post,
  QueryParam,
  QueryParams,
  Req,
  useContainer,
  useExpressServer,
  useKoaServer,
} from 'routing-controllers';
import { Container, Service } from 'typedi';
import {
  MemoryNonceCache,
  oauthBodyParser,
  requireOAuth,
  RequireOAuth,
  ResourceProtector,
  type Client,
  type GuardedRequest,
  type OAuthState,
  type TokenCredential,
} from '../../src';
import { oauthBodyParser as expressBodyParser, requireOAuth as expressGuard } from '../../src/express';
import type { SettingOptions } from '../../src/protector/settings';
import { ALICE } from './sign';
import { expectWarning, PLAIN_HTTP_NOTICE } from './console';

/** The apps, by name (see above). */
export const APP_NAMES = [
  'koa-controllers',
  'koa-plain',
  'express5-controllers',
  'express4-controllers',
  'express5-plain',
  'express4-plain',
] as const;
export type AppName = (typeof APP_NAMES)[number];
export type Driver = 'koa' | 'express5' | 'express4';

export interface AppInfo {
  driver: Driver;
  /** Actions of routing-controllers, or plain routes behind `requireOAuth()`. */
  routing: 'controllers' | 'plain';
  /** Whether the app trusts X-Forwarded-Host and X-Forwarded-Proto (`app.proxy`, `trust proxy`). */
  trustsProxy: boolean;
}

export const APPS: Record<AppName, AppInfo> = {
  'koa-controllers': { driver: 'koa', routing: 'controllers', trustsProxy: false },
  'koa-plain': { driver: 'koa', routing: 'plain', trustsProxy: true },
  'express5-controllers': { driver: 'express5', routing: 'controllers', trustsProxy: false },
  'express4-controllers': { driver: 'express4', routing: 'controllers', trustsProxy: false },
  'express5-plain': { driver: 'express5', routing: 'plain', trustsProxy: true },
  'express4-plain': { driver: 'express4', routing: 'plain', trustsProxy: true },
};

/** A value as the action saw it, JSON-safe: prototypes, `undefined` and DTO classes spelled out. */
export type Shape =
  | null
  | string
  | number
  | boolean
  | { undefined: true }
  | { array: Shape[] }
  | { proto: string; entries: [string, Shape][] };

/** `value` described; an object's entries sorted by name (the order of names is not a promise, that of repeats is). */
export function shapeOf(value: unknown): Shape {
  if (value === undefined) return { undefined: true };
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  if (Array.isArray(value)) return { array: value.map(shapeOf) };
  if (typeof value !== 'object') return `<${typeof value}>`;
  const proto: unknown = Object.getPrototypeOf(value);
  const name =
    proto === null
      ? 'null'
      : proto === Object.prototype
        ? 'Object'
        : ((proto as { constructor?: { name?: string } }).constructor?.name ?? '?');
  const entries = Object.keys(value)
    .sort()
    .map((key): [string, Shape] => [key, shapeOf((value as Record<string, unknown>)[key])]);
  return { proto: name, entries };
}

/** What the guard verified, from `ctx.state.oauth` (Koa) or `res.locals.oauth` (Express). */
export interface VerifiedEcho {
  header: [string, string][] | null;
  query: [string, string][];
  form: [string, string][] | null;
  oauth: [string, string][];
  scheme: string;
  host: string;
  path: string;
  rawQuery: string;
  mediaType: string | null;
  /** The verified body bytes, base64. */
  body: string;
  /** The guarded request's `query` and `body`: what the adapter hands the application. */
  flatQuery: Shape;
  flatBody: Shape;
}

/** What the action saw, and what its framework reads of the request. */
export interface ActionEcho {
  driver: Driver;
  queries: Shape;
  q: Shape;
  body: Shape;
  bodyParam: Shape;
  /** `@HeaderParam('host')` (routing-controllers apps) or the Host header (plain apps). */
  headerHost: Shape;
  /** Koa's `ctx.host`, Express 5's `req.host`; null on Express 4, whose `req.host` is a deprecated `req.hostname`. */
  host: string | null;
  /** `ctx.hostname`, `req.hostname` (the host without its port). */
  hostname: string | null;
  /** `ctx.protocol`, `req.protocol`. */
  protocol: string;
  /** `ctx.path`, `req.path`. */
  path: string;
  /** Koa's `ctx.querystring`; null on Express, which has no such reading (its query parser reads parseurl's). */
  querystring: string | null;
  /** `ctx.originalUrl`, `req.originalUrl`: the request-target as Node read it. */
  url: string;
}

export interface Echo {
  verified: VerifiedEcho;
  action: ActionEcho;
}

/** What the action was handed, through decorators or the framework's request. */
interface Seen {
  queries: unknown;
  q: unknown;
  body: unknown;
  bodyParam: unknown;
  host: unknown;
}

const pairsOf = (list: readonly { name: string; value: string }[]): [string, string][] =>
  list.map((p) => [p.name, p.value]);

function verifiedEcho({ parameters, request, query, body }: GuardedRequest): VerifiedEcho {
  return {
    header: parameters.header ? pairsOf(parameters.header) : null,
    query: pairsOf(parameters.query),
    form: parameters.form ? pairsOf(parameters.form) : null,
    oauth: [...parameters.oauth],
    scheme: request.scheme,
    host: request.host,
    path: request.path,
    rawQuery: request.query,
    mediaType: request.mediaType ?? null,
    body: request.body.toString('base64'),
    flatQuery: shapeOf(query),
    flatBody: shapeOf(body),
  };
}

const seenShapes = (seen: Seen) => ({
  queries: shapeOf(seen.queries),
  q: shapeOf(seen.q),
  body: shapeOf(seen.body),
  bodyParam: shapeOf(seen.bodyParam),
  headerHost: shapeOf(seen.host),
});

function echo(ctx: Context, seen: Seen): Echo {
  const action: ActionEcho = {
    driver: 'koa',
    ...seenShapes(seen),
    host: ctx.host,
    hostname: ctx.hostname,
    protocol: ctx.protocol,
    path: ctx.path,
    querystring: ctx.querystring,
    url: ctx.originalUrl,
  };
  return { verified: verifiedEcho((ctx.state as OAuthState).oauth), action };
}

function expressEcho(req: Request, res: Response, seen: Seen): Echo {
  const driver = (req.app.locals as { driver: 'express4' | 'express5' }).driver;
  const action: ActionEcho = {
    driver,
    ...seenShapes(seen),
    host: driver === 'express5' ? (req.host ?? null) : null,
    hostname: req.hostname ?? null,
    protocol: req.protocol,
    path: req.path,
    querystring: null,
    url: req.originalUrl,
  };
  return { verified: verifiedEcho((res.locals as { oauth: GuardedRequest }).oauth), action };
}

/** A class DTO: routing-controllers transforms and validates the body into it. */
export class EchoDto {
  @IsOptional()
  @IsString()
  text?: string;
}

/** The request an action gets from `@Req()`: Koa's `ctx.request` or Express's `req`. */
type ActionRequest = KoaRequest | Request;

/** What the action saw, read by its driver: Koa's request leads to its context, Express's to its response. */
const answer = (req: ActionRequest, seen: Seen): Echo =>
  'ctx' in req ? echo(req.ctx, seen) : expressEcho(req, req.res as Response, seen);

/**
 * The same controller on every routing-controllers driver: `@Req()` is Koa's `ctx.request` or Express's `req`,
 * and `req.body` the body either framework's request holds.
 */
@Service()
@JsonController('/echo')
export class EchoController {
  @Get('/query')
  @RequireOAuth()
  query(
    @QueryParams() queries: object,
    @QueryParam('q') q: string,
    @HeaderParam('host') host: string,
    @Req() req: ActionRequest,
  ) {
    return answer(req, { queries, q, body: req.body, bodyParam: undefined, host });
  }

  /** `@Body()` untyped: any JSON value. */
  @Post('/any')
  @RequireOAuth()
  any(
    @QueryParams() queries: object,
    @QueryParam('q') q: string,
    @Body() body: unknown,
    @HeaderParam('host') host: string,
    @Req() req: ActionRequest,
  ) {
    return answer(req, { queries, q, body, bodyParam: undefined, host });
  }

  /** `@BodyParam('b')`: the body must be an object. */
  @Post('/field')
  @RequireOAuth()
  field(
    @QueryParams() queries: object,
    @QueryParam('q') q: string,
    @BodyParam('b') b: string,
    @HeaderParam('host') host: string,
    @Req() req: ActionRequest,
  ) {
    return answer(req, { queries, q, body: req.body, bodyParam: b, host });
  }

  /** `@Body()` bound to a class DTO: the body must be an object. */
  @Post('/dto')
  @RequireOAuth()
  dto(
    @QueryParams() queries: object,
    @QueryParam('q') q: string,
    @Body() dto: EchoDto,
    @HeaderParam('host') host: string,
    @Req() req: ActionRequest,
  ) {
    // What an action does with its DTO: read a field (a `null` body would make this a 500).
    const text = dto.text;
    return answer(req, { queries, q, body: dto, bodyParam: text, host });
  }
}

class EchoToken implements TokenCredential {
  getOAuthToken = () => ALICE.token;
  getOAuthTokenSecret = () => ALICE.tokenSecret as string;
  getClientId = () => ALICE.consumerKey;
}

const client: Client = { getClientSecret: () => ALICE.consumerSecret, getRsaPublicKey: () => undefined };

export interface EchoServer {
  server: Server;
  port: number;
  stop(): Promise<void>;
}

export interface EchoApps {
  protector: ResourceProtector;
  servers: Record<AppName, EchoServer>;
  /**
   * Errors the apps emitted with a 5xx status or none: Koa's 'error' event, and on Express the errors that
   * reach the app's final error handler (routing-controllers hands on the errors it answered itself).
   */
  errors: unknown[];
  stop(): Promise<void>;
}

async function listen(server: Server): Promise<EchoServer> {
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    server,
    port: (server.address() as { port: number }).port,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const ROUTING = {
  development: false,
  classTransformer: true,
  validation: { validationError: { target: false, value: false } },
};

type HttpError = { status?: number; statusCode?: number; httpCode?: number; message?: string };

/**
 * The Express apps' last error handler: routing-controllers answers its errors, then hands them on (Express's
 * final handler would destroy the socket of an answered request); one nobody answered gets a text answer.
 */
const finalHandler =
  (errors: unknown[]) =>
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- Express knows an error handler by its four parameters
  (error: HttpError, _req: Request, res: Response, _next: NextFunction) => {
    const status = error.httpCode ?? error.status ?? error.statusCode ?? 500;
    if (status >= 500) errors.push(error);
    if (res.headersSent) return;
    res
      .status(status)
      .type('text/plain')
      .send(`unanswered: ${String(error.message)}`);
  };

function expressControllers(
  express: typeof express4,
  driver: 'express4' | 'express5',
  protector: ResourceProtector,
  errors: unknown[],
) {
  const app = express();
  app.locals.driver = driver;
  if (driver === 'express4') app.use(expressBodyParser(protector));
  useExpressServer(app, { controllers: [EchoController], ...ROUTING });
  app.use(finalHandler(errors));
  return app;
}

function expressPlain(
  express: typeof express4,
  driver: 'express4' | 'express5',
  protector: ResourceProtector,
  errors: unknown[],
) {
  const app = express();
  app.locals.driver = driver;
  app.set('trust proxy', true);
  app.use(expressBodyParser(protector));
  const guard = expressGuard(protector);
  const handler = (req: Request, res: Response) =>
    void res.json(
      expressEcho(req, res, {
        queries: req.query,
        q: req.query.q,
        body: req.body,
        bodyParam: field(req.body),
        host: req.get('host'),
      }),
    );
  // (The handlers are inline: Express's types infer the route's parameters from the guard's.)
  app.get('/echo/query', guard, (req, res) => handler(req as Request, res));
  app.post(['/echo/any', '/echo/field', '/echo/dto'], guard, (req, res) => handler(req as Request, res));
  app.use(finalHandler(errors));
  return app;
}

const field = (value: unknown) =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>).b : undefined;

export interface EchoOptions extends SettingOptions {
  /** How long the token store takes to answer, asked on each call (default: at once, synchronously). */
  tokenDelayMs?: () => number;
}

/**
 * The apps on loopback ports, sharing one protector (ALICE's credentials, realm `echo`, http allowed), with
 * `settings` (limits, timeouts) over the defaults.
 */
export async function startEchoApps({ tokenDelayMs, ...settings }: EchoOptions = {}): Promise<EchoApps> {
  const findToken = (clientId: string, token: string) =>
    clientId === ALICE.consumerKey && token === ALICE.token ? new EchoToken() : undefined;
  const protector = expectWarning(
    PLAIN_HTTP_NOTICE,
    () =>
      new ResourceProtector({
        ...settings,
        queryClient: (clientId) => (clientId === ALICE.consumerKey ? client : undefined),
        queryToken: (clientId, token) => {
          const delay = tokenDelayMs?.();
          if (delay === undefined) return findToken(clientId, token);
          return new Promise<EchoToken | undefined>((resolve) =>
            setTimeout(() => resolve(findToken(clientId, token)), delay),
          );
        },
        nonceCache: new MemoryNonceCache(),
        realm: 'echo',
        allowInsecureTransport: true,
      }),
  );
  useContainer(Container);
  Container.set(ResourceProtector, protector);
  const errors: unknown[] = [];
  const onError = (error: { status?: number; code?: string }) => {
    if (error.code?.startsWith('HPE_') || error.code === 'ECONNRESET') return;
    if (!error.status || error.status >= 500) errors.push(error);
  };

  const controllers = new Koa();
  controllers.on('error', onError);
  controllers.use(oauthBodyParser(protector));
  useKoaServer(controllers, { controllers: [EchoController], ...ROUTING });

  const guard = requireOAuth(protector);
  const router = new Router();
  const body = (ctx: Context) => (ctx.request as Context['request'] & { body?: unknown }).body;
  const plainEcho = (ctx: Context) =>
    echo(ctx, {
      queries: ctx.query,
      q: ctx.query.q,
      body: body(ctx),
      bodyParam: field(body(ctx)),
      host: ctx.get('Host') || undefined,
    });
  router.get('/echo/query', guard, (ctx) => void (ctx.body = plainEcho(ctx)));
  for (const path of ['/echo/any', '/echo/field', '/echo/dto']) {
    router.post(path, guard, (ctx) => void (ctx.body = plainEcho(ctx)));
  }
  const plain = new Koa();
  plain.proxy = true;
  plain.on('error', onError);
  // JSON scalars reach the guard (strict: false) rather than being refused by the parser itself.
  plain.use(bodyParser({ strict: false, onProtoPoisoning: 'ignore' } as bodyParser.Options));
  plain.use(router.routes());

  const apps: Record<AppName, { listen(port: number, host: string): Server }> = {
    'koa-controllers': controllers,
    'koa-plain': plain,
    'express5-controllers': expressControllers(express5, 'express5', protector, errors),
    'express4-controllers': expressControllers(express4, 'express4', protector, errors),
    'express5-plain': expressPlain(express5, 'express5', protector, errors),
    'express4-plain': expressPlain(express4, 'express4', protector, errors),
  };
  const servers = Object.fromEntries(
    await Promise.all(APP_NAMES.map(async (name) => [name, await listen(apps[name].listen(0, '127.0.0.1'))] as const)),
  ) as Record<AppName, EchoServer>;
  return {
    protector,
    servers,
    errors,
    stop: async () => {
      await Promise.all(APP_NAMES.map((name) => servers[name].stop()));
    },
  };
}
