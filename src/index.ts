/**
 * routing-controllers-oauth1: OAuth 1.0a protected resources for routing-controllers. The protocol core
 * alone is `routing-controllers-oauth1/core`.
 */
export { RequireOAuth, requireOAuthMetadata, type RequireOAuthOptions } from './decorators/require-oauth.decorator';
export { Credential } from './decorators/credential.decorator';
export type { ProtectorKey } from './decorators/registered-protector';
export {
  oauthAuthorizationChecker,
  oauthCurrentUserChecker,
  OAuthHttpError,
  type OAuthCheckerOptions,
} from './decorators/oauth-checkers';
export { currentCredential } from './protector/current-credential';
export { requireOAuth } from './koa/require-oauth';
export { oauthBodyParser } from './koa/body';
export type { OAuthState } from './koa/guard';
export type { KoaContext, KoaMiddleware, KoaNext } from './koa/koa-types';
export {
  ResourceProtector,
  type GuardedRequest,
  type NonceStoreOptions,
  type ResourceProtectorOptions,
} from './protector/resource-protector';
export {
  DEFAULTS,
  DEFAULT_LIMITS,
  type Limits,
  type SettingOptions,
  type Settings,
  type TunableSettings,
} from './protector/settings';
export { mergeRouteOptions, type GuardTarget, type RouteOptions } from './protector/route-options';
export type { AccessRequest, AccessRules, Authorize, ScopedCredential } from './protector/access';
export type { AuditEvent, DebugSignatures } from './protector/audit';
export type { AdapterRequest } from './protector/adapter-request';
export type { Refusal, RefusalResponse, RenderRefusal } from './protector/refusal';
export type { ErrorResponse } from './protector/error-response';
export type { HttpRequest, PublicBase } from './http/http-request';
export type { FlatParameters } from './http/flat-parameters';
export type { BodyShape } from './http/body-value';
export { createExistsNonce, nonceKey, type ExistsNonce, type NonceLifetime } from './protector/exists-nonce';
export type { NonceCache } from './protector/nonce-cache';
export { MemoryNonceCache, NonceCacheFullError, type MemoryNonceCacheOptions } from './protector/memory-nonce-cache';
export { RedisNonceCache, type RedisClientLike, type RedisNonceCacheOptions } from './protector/redis-nonce-cache';
export type { Client, TokenCredential } from './rfc5849/credentials';
export * from './rfc5849/errors';
export type { MaybePromise, OAuthRequest, VerifiedRequest } from './rfc5849/verify-request';
export type { SignatureMethod, SignatureKeys, SigningKeys } from './rfc5849/signature-method';
export type { BaseStringRule } from './rfc5849/signature';
export type { CollectedParameters, ParameterSources } from './rfc5849/parameter-sources';
export type { Parameter } from './rfc5849/parameter';
export type { DigestName } from './rfc5849/digest';
export type { SignatureReport } from './rfc5849/diagnosis';
export { signRequest, type SignRequestOptions, type SignRequestResult } from './rfc5849/sign-request';
export {
  OAUTH_SECURITY_SCHEME,
  OAUTH_SECURITY_SCHEME_NAME,
  oauthSpec,
  withOAuthSecurity,
  type OpenAPIDocument,
  type OpenAPISecurityRequirement,
  type OpenAPISecurityScheme,
} from './openapi/oauth-security';
