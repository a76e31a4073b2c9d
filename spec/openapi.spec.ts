/**
 * OpenAPI: every route guarded by @RequireOAuth() (class or method) carries the OAuth security
 * requirement with its scopes, and no other route does; the demo serves its document at /openapi.json.
 */
import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  Authorized,
  Get,
  getMetadataArgsStorage,
  JsonController,
  Post,
  type RoutingControllersOptions,
} from 'routing-controllers';
import { OpenAPI, routingControllersToSpec } from 'routing-controllers-openapi';
import type { OpenAPIObject, OperationObject } from 'openapi3-ts';
import request from 'supertest';
import { startDemo } from './support/demo';
import { oauthAuthorizationChecker, RequireOAuth, requireOAuthMetadata } from '../src';
import {
  OAUTH_SECURITY_SCHEME,
  OAUTH_SECURITY_SCHEME_NAME,
  oauthSpec,
  withOAuthSecurity,
  type OpenAPIDocument,
} from '../src/openapi/oauth-security';
import { API_CONTROLLERS, demoOpenApiSpec, OpenApiController } from '../demo/openapi';

// Test-only controllers: never mounted by the demo, so never in its document.

@JsonController('/photos')
@RequireOAuth({ scopes: ['photos:read'] })
class PhotosController {
  @Get()
  list() {}

  @Post()
  @RequireOAuth({ scopes: ['photos:write'] })
  upload() {}

  @Get('/shared')
  @RequireOAuth({ scopes: ['photos:read'] }) // the same scope on both levels: listed once
  shared() {}
}

@JsonController('/mixed')
class MixedController {
  @Get('/open')
  open() {}

  @Get('/closed')
  @RequireOAuth({ twoLegged: true })
  closed() {}

  @Get('/renamed')
  @RequireOAuth({ scopes: ['a'] })
  @OpenAPI({ operationId: 'custom-id' }) // found by path and method, not by the default operationId
  renamed() {}

  @Get('/also-api-key')
  @RequireOAuth()
  @OpenAPI({ security: [{ ApiKey: [] }, { Session: ['x'] }] })
  alsoApiKey() {}

  @Get('/declared-open')
  @OpenAPI({ security: [{ ApiKey: [] }] }) // not guarded: left as declared
  declaredOpen() {}
}

@JsonController('/authz')
class AuthorizedController {
  @Get('/any')
  @Authorized()
  any() {}

  @Get('/scoped')
  @Authorized(['notes:write'])
  scoped() {}

  @Get('/open')
  open() {}

  @Get('/optional')
  @RequireOAuth({ optional: true })
  optional() {}
}

@JsonController('/authz-class')
@Authorized('admin')
class AuthorizedClassController {
  @Get('/x')
  x() {}
}

/** Two classes of one name: their default operationIds collide, their paths do not. */
function twin(route: string, guarded: boolean): Function {
  @JsonController(route)
  class TwinController {
    @Get('/x')
    x() {}
  }
  if (guarded) RequireOAuth()(TwinController);
  return TwinController;
}
const GuardedTwin = twin('/twin-a', true);
const OpenTwin = twin('/twin-b', false);

type Operations = Map<string, OperationObject>;

/** Every operation of a document, keyed `METHOD /path`. */
function operations(spec: OpenAPIDocument): Operations {
  const all: Operations = new Map();
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(item as Record<string, OperationObject>)) {
      all.set(`${method.toUpperCase()} ${path}`, operation);
    }
  }
  return all;
}

function op(all: Operations, key: string): OperationObject {
  const operation = all.get(key);
  if (!operation) throw new Error(`no operation ${key} in ${[...all.keys()].join(', ')}`);
  return operation;
}

/**
 * Whether an action is guarded, told from routing-controllers' own records rather than from
 * requireOAuthMetadata(): a `UseBefore` on the class or the method whose middleware is a guard.
 */
function guardedByUses(target: Function, method: string): boolean {
  return getMetadataArgsStorage().uses.some(
    (use) =>
      use.target === target &&
      (use.method === undefined || use.method === method) &&
      Object.getOwnPropertySymbols(use.middleware).some((s) => s.description === 'routing-controllers-oauth1.guard'),
  );
}

const spec = (controllers: Function[], options: RoutingControllersOptions = {}) =>
  operations(oauthSpec(getMetadataArgsStorage(), { ...options, controllers }));

describe('the demo document', () => {
  const document = JSON.parse(JSON.stringify(demoOpenApiSpec())) as OpenAPIObject;
  const all = operations(document);
  const actions = getMetadataArgsStorage().actions.filter((a) =>
    [...API_CONTROLLERS, OpenApiController].includes(a.target),
  );

  it('defines the OAuth security scheme, an HTTP scheme named after the header', () => {
    expect(document.components?.securitySchemes?.OAuth).toEqual(OAUTH_SECURITY_SCHEME);
    expect(OAUTH_SECURITY_SCHEME).toMatchObject({ type: 'http', scheme: 'OAuth' });
    expect(OAUTH_SECURITY_SCHEME.description).toMatch(/RFC 5849/);
    expect(document.info).toMatchObject({ title: 'routing-controllers-oauth1 demo' });
    expect(document.openapi).toBe('3.1.0'); // scopes on a non-OAuth 2 scheme need 3.1
  });

  it('puts the requirement on the guarded routes, by method or by class', () => {
    for (const key of ['GET /api/me', 'POST /api/notes', 'GET /api/users/me', 'POST /lti/launch']) {
      expect({ key, security: op(all, key).security }).toEqual({ key, security: [{ OAuth: [] }] });
    }
  });

  it('leaves it off the public routes', () => {
    expect(op(all, 'GET /api/public').security).toBeUndefined();
    expect(op(all, 'GET /openapi.json').security).toBeUndefined();
  });

  it('marks exactly the guarded actions, with their scopes, whichever the demo has', () => {
    expect(actions.filter((a) => guardedByUses(a.target, a.method)).length).toBeGreaterThanOrEqual(4);
    expect(all.size).toBe(actions.length);
    for (const action of actions) {
      const operation = [...all.values()].find((o) => o.operationId === `${action.target.name}.${action.method}`);
      const expected = guardedByUses(action.target, action.method)
        ? [{ OAuth: [...(requireOAuthMetadata(action.target, action.method)?.scopes ?? [])] }]
        : undefined;
      expect({ id: operation?.operationId, security: operation?.security }).toEqual({
        id: `${action.target.name}.${action.method}`,
        security: expected,
      });
    }
  });

  it('lists the scopes of a scoped route in its requirement', () => {
    expect(op(all, 'DELETE /api/notes/{id}').security).toEqual([{ OAuth: ['notes:write'] }]);
  });

  it('describes only the demo controllers, and every one of them', () => {
    expect([...all.keys()].some((key) => /photos|mixed|twin/.test(key))).toBe(false);
    const dir = join(__dirname, '../demo/controllers');
    const exported = readdirSync(dir)
      .filter((file) => file.endsWith('.controller.ts'))
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      .flatMap((file) => Object.values(require(join(dir, file)) as Record<string, unknown>));
    const controllers = getMetadataArgsStorage().controllers.filter((c) => exported.includes(c.target));
    expect(controllers.length).toBeGreaterThanOrEqual(5);
    for (const { target } of controllers) expect(API_CONTROLLERS).toContain(target);
  });

  it('resolves every schema reference (the DTOs, from class-validator-jsonschema)', () => {
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]*"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const name = /#\/components\/schemas\/([^"]+)/.exec(ref)?.[1];
      expect({ ref, defined: name !== undefined && name in (document.components?.schemas ?? {}) }).toEqual({
        ref,
        defined: true,
      });
    }
  });

  it('is built once', () => {
    expect(demoOpenApiSpec()).toBe(demoOpenApiSpec());
  });
});

describe('GET /openapi.json', () => {
  it('is served by the demo as JSON', async () => {
    const demo = await startDemo();
    let res: request.Response;
    try {
      res = await request(demo.server).get('/openapi.json');
    } finally {
      await demo.stop();
    }
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(demoOpenApiSpec())));
    expect(res.body.paths['/api/me'].get.security).toEqual([{ OAuth: [] }]);
  });
});

describe('withOAuthSecurity() and oauthSpec()', () => {
  it("marks @Authorized() routes when the app's checker is the library's, their roles as scopes (not with another's); optional routes allow no credentials too", () => {
    const controllers = [AuthorizedController, AuthorizedClassController];
    const ours = operations(
      oauthSpec(getMetadataArgsStorage(), { controllers, authorizationChecker: oauthAuthorizationChecker() }),
    );
    expect(op(ours, 'GET /authz/any').security).toEqual([{ OAuth: [] }]);
    expect(op(ours, 'GET /authz/scoped').security).toEqual([{ OAuth: ['notes:write'] }]);
    expect(op(ours, 'GET /authz/open').security).toBeUndefined();
    expect(op(ours, 'GET /authz-class/x').security).toEqual([{ OAuth: ['admin'] }]);
    // Optional: OAuth, or no credentials at all.
    expect(op(ours, 'GET /authz/optional').security).toEqual([{ OAuth: [] }, {}]);
    const theirs = operations(oauthSpec(getMetadataArgsStorage(), { controllers, authorizationChecker: () => true }));
    expect(op(theirs, 'GET /authz/any').security).toBeUndefined();
  });

  it('applies a class-level guard to every action of the class, with the scopes of both levels', () => {
    const all = spec([PhotosController]);
    expect(op(all, 'GET /photos').security).toEqual([{ OAuth: ['photos:read'] }]);
    expect(op(all, 'POST /photos').security).toEqual([{ OAuth: ['photos:read', 'photos:write'] }]);
    expect(op(all, 'GET /photos/shared').security).toEqual([{ OAuth: ['photos:read'] }]);
  });

  it('marks the guarded actions of a class and no others', () => {
    const all = spec([MixedController]);
    expect(op(all, 'GET /mixed/open').security).toBeUndefined();
    expect(op(all, 'GET /mixed/closed').security).toEqual([{ OAuth: [] }]);
  });

  it('finds an operation whose operationId was changed with @OpenAPI', () => {
    const renamed = op(spec([MixedController]), 'GET /mixed/renamed');
    expect(renamed.operationId).toBe('custom-id');
    expect(renamed.security).toEqual([{ OAuth: ['a'] }]);
  });

  it('adds OAuth to every alternative a guarded operation declares, and leaves unguarded ones alone', () => {
    const all = spec([MixedController]);
    expect(op(all, 'GET /mixed/also-api-key').security).toEqual([
      { ApiKey: [], OAuth: [] },
      { Session: ['x'], OAuth: [] },
    ]);
    expect(op(all, 'GET /mixed/declared-open').security).toEqual([{ ApiKey: [] }]);
  });

  it('places operations under the routePrefix, and falls back to the operationId without it', () => {
    expect(op(spec([PhotosController], { routePrefix: '/v1' }), 'POST /v1/photos').security).toEqual([
      { OAuth: ['photos:read', 'photos:write'] },
    ]);
    const prefixed = routingControllersToSpec(getMetadataArgsStorage(), { routePrefix: '/v1' });
    const all = operations(withOAuthSecurity(prefixed)); // the options forgotten
    expect(op(all, 'POST /v1/photos').security).toEqual([{ OAuth: ['photos:read', 'photos:write'] }]);
    expect(op(all, 'GET /v1/mixed/open').security).toBeUndefined();
  });

  it('tells apart two controller classes of one name by their paths', () => {
    const all = spec([GuardedTwin, OpenTwin]);
    expect(op(all, 'GET /twin-a/x').operationId).toBe(op(all, 'GET /twin-b/x').operationId);
    expect(op(all, 'GET /twin-a/x').security).toEqual([{ OAuth: [] }]);
    expect(op(all, 'GET /twin-b/x').security).toBeUndefined();
  });

  it('works on routingControllersToSpec() output and returns the same, typed document', () => {
    const original: OpenAPIObject = routingControllersToSpec(
      getMetadataArgsStorage(),
      {},
      { info: { title: 't', version: '1' } },
    );
    const result: OpenAPIObject = withOAuthSecurity(original);
    expect(result).toBe(original);
    expect(result.components?.securitySchemes?.[OAUTH_SECURITY_SCHEME_NAME]).toEqual(OAUTH_SECURITY_SCHEME);
    // routingControllersToSpec alone describes every loaded controller: the test-only ones too.
    expect(op(operations(result), 'POST /photos').security).toEqual([{ OAuth: ['photos:read', 'photos:write'] }]);
    expect(op(operations(result), 'GET /api/public').security).toBeUndefined();
    expect(op(operations(result), 'GET /twin-a/x').security).toEqual([{ OAuth: [] }]);
    expect(op(operations(result), 'GET /twin-b/x').security).toBeUndefined();
  });

  it('does not mark an operation for another class of the same name that the document leaves out', () => {
    const storage = getMetadataArgsStorage();
    const onlyOpenTwin = Object.assign(Object.create(storage), {
      controllers: storage.controllers.filter((c) => c.target === OpenTwin),
      actions: storage.actions.filter((a) => a.target === OpenTwin),
    });
    const document = withOAuthSecurity(routingControllersToSpec(onlyOpenTwin)); // the whole storage: GuardedTwin too
    expect(op(operations(document), 'GET /twin-b/x').security).toBeUndefined();
  });

  it('keeps an OAuth scheme the document defines already, and adds the scheme when nothing is guarded', () => {
    const custom = { type: 'http', scheme: 'OAuth', description: 'ours' };
    const withCustom = oauthSpec<OpenAPIObject>(
      getMetadataArgsStorage(),
      { controllers: [PhotosController] },
      { components: { securitySchemes: { OAuth: custom } } },
    );
    expect(withCustom.components?.securitySchemes?.OAuth).toEqual(custom);
    const unguarded = oauthSpec<OpenAPIObject>(getMetadataArgsStorage(), { controllers: [OpenTwin] });
    expect(unguarded.components?.securitySchemes?.OAuth).toEqual(OAUTH_SECURITY_SCHEME);
    expect(op(operations(unguarded), 'GET /twin-b/x').security).toBeUndefined();
  });

  it('describes only the listed controller classes, and every loaded one for glob strings', () => {
    expect([...spec([PhotosController]).keys()].sort()).toEqual(['GET /photos', 'GET /photos/shared', 'POST /photos']);
    const globbed = operations(oauthSpec(getMetadataArgsStorage(), { controllers: ['nowhere/*.ts'] }));
    expect(globbed.has('GET /photos')).toBe(true);
    expect(globbed.has('GET /api/public')).toBe(true);
  });

  it('skips actions of a class that is no controller (an undecorated base class)', () => {
    const storage = getMetadataArgsStorage();
    class Base {
      @Get('/inherited')
      @RequireOAuth()
      inherited() {}
    }
    try {
      expect(storage.actions.some((a) => a.target === Base)).toBe(true);
      expect(() => routingControllersToSpec(storage)).toThrow(TypeError); // what oauthSpec() avoids
      const document = oauthSpec<OpenAPIObject>(storage, { controllers: ['nowhere/*.ts'] });
      expect(op(operations(document), 'POST /photos').security).toEqual([{ OAuth: ['photos:read', 'photos:write'] }]);
      expect(() => withOAuthSecurity(document, storage)).not.toThrow();
    } finally {
      storage.actions = storage.actions.filter((a) => a.target !== Base); // for the tests after this one
      storage.uses = storage.uses.filter((u) => u.target !== Base);
    }
  });
});
