/**
 * Two small apps whose guarded actions answer with what the ACTION sees, for the differential spec: one on
 * routing-controllers (values through its own parameter decorators: `@QueryParams()`, `@QueryParam()`,
 * `@Body()` untyped and as a class-validator DTO, `@BodyParam()`, `@HeaderParam('host')`, `@Ctx()`), one on
 * plain @koa/router behind `requireOAuth(protector)`, with koa-bodyparser parsing bodies before the guard and
 * `app.proxy` on (X-Forwarded-Host and X-Forwarded-Proto trusted). Each answer also carries the guard's
 * reading from `ctx.state.oauth`, so a test can hold the one to the other.
 *
 * Values are described with `shapeOf`, which keeps what JSON would lose: prototypes (a flat object has
 * none), `undefined`, and the class of a DTO.
 *
 * Like the demo, the routing-controllers app registers its protector as `ResourceProtector` in typedi's
 * global container.
 */
import 'reflect-metadata';
import Router from '@koa/router';
import { IsOptional, IsString } from 'class-validator';
import Koa, { type Context } from 'koa';
import bodyParser from 'koa-bodyparser';
import type { Server } from 'node:http';
import {
  Body,
  BodyParam,
  Ctx,
  Get,
  HeaderParam,
  JsonController,
  Post,
  QueryParam,
  QueryParams,
  useContainer,
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
  type OAuthState,
  type TokenCredential,
} from '../../src';
import { ALICE } from './sign';
import { expectWarning, PLAIN_HTTP_NOTICE } from './console';

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

/** What the guard verified, from `ctx.state.oauth`. */
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
}

/** What the action saw. */
export interface ActionEcho {
  queries: Shape;
  q: Shape;
  body: Shape;
  bodyParam: Shape;
  /** `@HeaderParam('host')` (routing-controllers app) or `ctx.get('Host')` (plain app). */
  headerHost: Shape;
  ctxHost: string;
  ctxProtocol: string;
  ctxPath: string;
  ctxQuerystring: string;
}

export interface Echo {
  verified: VerifiedEcho;
  action: ActionEcho;
}

const pairsOf = (list: readonly { name: string; value: string }[]): [string, string][] =>
  list.map((p) => [p.name, p.value]);

function echo(ctx: Context, seen: { queries: unknown; q: unknown; body: unknown; bodyParam: unknown; host: unknown }) {
  const { parameters, request } = (ctx.state as OAuthState).oauth;
  const verified: VerifiedEcho = {
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
  };
  const action: ActionEcho = {
    queries: shapeOf(seen.queries),
    q: shapeOf(seen.q),
    body: shapeOf(seen.body),
    bodyParam: shapeOf(seen.bodyParam),
    headerHost: shapeOf(seen.host),
    ctxHost: ctx.host,
    ctxProtocol: ctx.protocol,
    ctxPath: ctx.path,
    ctxQuerystring: ctx.querystring,
  };
  return { verified, action } satisfies Echo;
}

/** A class DTO: routing-controllers transforms and validates the body into it. */
export class EchoDto {
  @IsOptional()
  @IsString()
  text?: string;
}

@Service()
@JsonController('/echo')
export class EchoController {
  @Get('/query')
  @RequireOAuth()
  query(
    @QueryParams() queries: object,
    @QueryParam('q') q: string,
    @HeaderParam('host') host: string,
    @Ctx() ctx: Context,
  ) {
    return echo(ctx, { queries, q, body: ctx.request.body, bodyParam: undefined, host });
  }

  /** `@Body()` untyped: any JSON value. */
  @Post('/any')
  @RequireOAuth()
  any(
    @QueryParams() queries: object,
    @QueryParam('q') q: string,
    @Body() body: unknown,
    @HeaderParam('host') host: string,
    @Ctx() ctx: Context,
  ) {
    return echo(ctx, { queries, q, body, bodyParam: undefined, host });
  }

  /** `@BodyParam('b')`: the body must be an object. */
  @Post('/field')
  @RequireOAuth()
  field(
    @QueryParams() queries: object,
    @QueryParam('q') q: string,
    @BodyParam('b') b: string,
    @HeaderParam('host') host: string,
    @Ctx() ctx: Context,
  ) {
    return echo(ctx, { queries, q, body: ctx.request.body, bodyParam: b, host });
  }

  /** `@Body()` bound to a class DTO: the body must be an object. */
  @Post('/dto')
  @RequireOAuth()
  dto(
    @QueryParams() queries: object,
    @QueryParam('q') q: string,
    @Body() dto: EchoDto,
    @HeaderParam('host') host: string,
    @Ctx() ctx: Context,
  ) {
    // What an action does with its DTO: read a field (a `null` body would make this a 500).
    const text = dto.text;
    return echo(ctx, { queries, q, body: dto, bodyParam: text, host });
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
  /** routing-controllers, `oauthBodyParser(protector)`, no proxy trusted. */
  controllers: EchoServer;
  /** @koa/router with `requireOAuth(protector)`, koa-bodyparser before it, `app.proxy = true`. */
  plain: EchoServer;
  /** Errors the apps emitted (Koa's 'error' event) with a 5xx status or none. */
  errors: unknown[];
  stop(): Promise<void>;
}

async function listen(app: Koa): Promise<EchoServer> {
  const server = app.listen(0, '127.0.0.1');
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

/** Both apps on loopback ports, sharing one protector (ALICE's credentials, realm `echo`, http allowed). */
export async function startEchoApps(): Promise<EchoApps> {
  const protector = expectWarning(
    PLAIN_HTTP_NOTICE,
    () =>
      new ResourceProtector({
        queryClient: (clientId) => (clientId === ALICE.consumerKey ? client : undefined),
        queryToken: (clientId, token) =>
          clientId === ALICE.consumerKey && token === ALICE.token ? new EchoToken() : undefined,
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
  useKoaServer(controllers, {
    controllers: [EchoController],
    development: false,
    classTransformer: true,
    validation: { validationError: { target: false, value: false } },
  });

  const guard = requireOAuth(protector);
  const router = new Router();
  const body = (ctx: Context) => (ctx.request as Context['request'] & { body?: unknown }).body;
  const field = (value: unknown) =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>).b : undefined;
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

  const servers = { controllers: await listen(controllers), plain: await listen(plain) };
  return {
    protector,
    ...servers,
    errors,
    stop: async () => {
      await Promise.all([servers.controllers.stop(), servers.plain.stop()]);
    },
  };
}
