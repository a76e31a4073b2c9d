/**
 * OpenAPI documents for routing-controllers apps guarded with `@RequireOAuth()`: every guarded operation
 * carries a security requirement for the `OAuth` scheme, with its scopes, without repeating it by hand.
 *
 * Built for routing-controllers-openapi (an optional peer dependency, loaded only when these functions
 * run). The OpenAPI shapes are declared here rather than imported, so that applications without
 * routing-controllers-openapi or openapi3-ts still compile against this library's types.
 */
import { getMetadataArgsStorage, type MetadataArgsStorage, type RoutingControllersOptions } from 'routing-controllers';
import { isOAuthAuthorizationChecker } from '../decorators/oauth-checkers';
import { requireOAuthMetadata } from '../decorators/require-oauth.decorator';

/** The name of the security scheme in `components.securitySchemes` and in every requirement. */
export const OAUTH_SECURITY_SCHEME_NAME = 'OAuth';

/**
 * The `components.securitySchemes.OAuth` entry. OpenAPI 3 has no OAuth 1 type, so it is an HTTP
 * scheme named after the `Authorization: OAuth` header (the IANA-registered "OAuth" scheme of RFC 5849).
 */
export const OAUTH_SECURITY_SCHEME: Readonly<OpenAPISecurityScheme> = Object.freeze({
  type: 'http',
  scheme: 'OAuth',
  description:
    'OAuth 1.0a (RFC 5849) signed requests: the oauth_* protocol parameters in an `Authorization: OAuth ...` ' +
    'header (or in the query string or a form body), signed with the client secret and the token secret. ' +
    'Scopes listed on an operation are those the token credential must have been granted.',
});

/** What this module needs of an OpenAPI security scheme object (openapi3-ts `SecuritySchemeObject` fits). */
export interface OpenAPISecurityScheme {
  type: string;
  scheme?: string;
  description?: string;
}

/** A security requirement: scheme name → scopes (openapi3-ts `SecurityRequirementObject`). */
export type OpenAPISecurityRequirement = { [scheme: string]: string[] };

/** What this module reads and writes of an OpenAPI document (openapi3-ts `OpenAPIObject` fits). */
export interface OpenAPIDocument {
  paths: { [path: string]: object };
  components?: { securitySchemes?: { [name: string]: object } };
}

/** The part of routing-controllers-openapi's `IRoute` read here. */
interface Route {
  action: { target: Function; method: string; type: string };
  controller?: object;
}

/** The functions of routing-controllers-openapi used here. */
interface SpecGenerator {
  routingControllersToSpec(
    storage: MetadataArgsStorage,
    options: RoutingControllersOptions,
    additional: object,
  ): object;
  parseRoutes(storage: MetadataArgsStorage, options: RoutingControllersOptions): Route[];
  getFullPath(route: Route): string;
  getOperationId(route: Route): string;
}

type Operation = { operationId?: string; security?: OpenAPISecurityRequirement[] };

function specGenerator(): SpecGenerator {
  // Loaded only when used: routing-controllers-openapi is an optional peer dependency.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('routing-controllers-openapi') as SpecGenerator;
}

/**
 * Adds the OAuth security requirement to every operation of `spec` whose action is guarded by
 * `@RequireOAuth()` (on its class or on the action), with the route's scopes (the class's and the
 * action's together), and the `OAuth` scheme to `components.securitySchemes` (unless the document
 * defines one under that name already). Unguarded operations are left as they are.
 *
 * `spec` is a document from routing-controllers-openapi's `routingControllersToSpec(storage, options)`;
 * pass the same storage and routing-controllers options (its `routePrefix` places the operations).
 * An operation is found by its path and method, or else by its default operationId
 * (`ControllerClass.method`). A requirement the operation declares already (`@OpenAPI({ security })`)
 * is kept, with OAuth added to each of its alternatives, since the guard demands OAuth in every case.
 *
 * Modifies `spec` in place and returns it.
 */
export function withOAuthSecurity<S extends OpenAPIDocument>(
  spec: S,
  storage: MetadataArgsStorage = getMetadataArgsStorage(),
  options: RoutingControllersOptions = {},
): S {
  const generator = specGenerator();
  const paths = spec.paths as { [path: string]: { [method: string]: Operation | undefined } | undefined };
  // Only what `options` mounts: another controller's route (a RegExp path) is no business of this document.
  const routes = generator
    .parseRoutes(mountedOnly(storage, options), options)
    .filter((route) => route.controller) // actions of an undecorated base class have no path of their own
    .map((route) => ({
      route,
      operation: paths[generator.getFullPath(route)]?.[route.action.type],
      operationId: generator.getOperationId(route),
    }));
  // The fallback by operationId, for a document made without the same options: only where that id is
  // one action's alone (two classes may share a name) and its operation is no other action's by path.
  const claimed = new Set(routes.map((r) => r.operation));
  const idCount = new Map<string, number>();
  for (const { operationId } of routes) idCount.set(operationId, (idCount.get(operationId) ?? 0) + 1);
  const byOperationId = new Map<string, Operation>();
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item ?? {})) {
      if (operation?.operationId === undefined || claimed.has(operation) || idCount.get(operation.operationId) !== 1) {
        continue;
      }
      byOperationId.set(operation.operationId, operation);
    }
  }
  const checked = isOAuthAuthorizationChecker(options.authorizationChecker);
  for (const { route, operation: byPath, operationId } of routes) {
    const guard = requireOAuthMetadata(route.action.target, route.action.method);
    // With this library's checker, @Authorized(roles) is an OAuth guard too, its roles the scopes it requires.
    const roles = checked ? authorizedRoles(storage, route.action.target, route.action.method) : undefined;
    if (!guard && !roles) continue;
    const operation = byPath ?? byOperationId.get(operationId);
    if (!operation) continue; // an action this document does not describe
    const declared = operation.security;
    operation.security = withRequirement(declared, [...(guard?.scopes ?? []), ...(roles ?? [])]);
    // An optional route also serves a request with no credentials at all, unless @Authorized() asks for them.
    if (guard?.optional && !roles && !declared?.length) operation.security.push({});
  }
  const components = (spec.components ??= {});
  const schemes = (components.securitySchemes ??= {});
  schemes[OAUTH_SECURITY_SCHEME_NAME] ??= { ...OAUTH_SECURITY_SCHEME };
  return spec;
}

/**
 * The roles of `@Authorized()` on an action and its class, or undefined when neither has it: as routing-controllers
 * reads them, the class's first mark and the action's first (another on the same one is never checked).
 */
function authorizedRoles(storage: MetadataArgsStorage, target: Function, method: string): string[] | undefined {
  const marks = storage.responseHandlers.filter(
    (handler) => handler.type === 'authorized' && handler.target === target,
  );
  const used = [marks.find((mark) => !mark.method), marks.find((mark) => mark.method === method)];
  if (!used[0] && !used[1]) return undefined;
  return used.flatMap((mark) => (mark ? ([mark.value ?? []].flat() as string[]) : []));
}

/** OAuth, with these scopes, in every alternative of `existing`; alone when there is none. */
function withRequirement(
  existing: OpenAPISecurityRequirement[] | undefined,
  scopes: readonly string[],
): OpenAPISecurityRequirement[] {
  const alternatives = existing?.length ? existing : [{}];
  return alternatives.map((requirement) => ({
    ...requirement,
    [OAUTH_SECURITY_SCHEME_NAME]: [...new Set([...(requirement[OAUTH_SECURITY_SCHEME_NAME] ?? []), ...scopes])],
  }));
}

/**
 * routing-controllers-openapi's `routingControllersToSpec(storage, options, additional)` followed by
 * `withOAuthSecurity()`. When `options.controllers` lists classes, only those controllers are
 * described, as routing-controllers mounts only those (routingControllersToSpec alone describes every
 * controller loaded); with glob strings, every loaded controller is. Actions of a class that is no
 * controller (an undecorated base class) are left out, where routingControllersToSpec would throw.
 *
 * The result is typed loosely; name routing-controllers-openapi's type to get it back:
 * `oauthSpec<OpenAPIObject>(storage, options, { info: { title: 'My API', version: '1.0.0' } })`.
 */
export function oauthSpec<S extends OpenAPIDocument = OpenAPIDocument>(
  storage: MetadataArgsStorage = getMetadataArgsStorage(),
  options: RoutingControllersOptions = {},
  additional: object = {},
): S {
  const mounted = mountedOnly(storage, options);
  const spec = specGenerator().routingControllersToSpec(mounted, options, additional);
  return withOAuthSecurity(spec as S, mounted, options);
}

/**
 * A view of `storage` with only the controllers (and their actions) that `options` mounts, and without
 * actions of classes that are no controller (an undecorated base class), which routingControllersToSpec
 * cannot place.
 */
function mountedOnly(storage: MetadataArgsStorage, options: RoutingControllersOptions): MetadataArgsStorage {
  const { controllers } = options;
  const listed = controllers?.length && controllers.every((c): c is Function => typeof c === 'function');
  const mounted = new Set<Function>(
    storage.controllers.map((c) => c.target).filter((target) => !listed || controllers.includes(target)),
  );
  const view = Object.create(storage) as MetadataArgsStorage;
  view.controllers = storage.controllers.filter((controller) => mounted.has(controller.target));
  view.actions = storage.actions.filter((action) => mounted.has(action.target));
  return view;
}
