export { RequireOAuth, requireOAuthMetadata, type RequireOAuthOptions } from './decorators/require-oauth.decorator';
export { Credential } from './decorators/credential.decorator';
export { currentCredential } from './koa/current-credential';
export { requireOAuth } from './koa/require-oauth';
export { oauthBodyParser, type OAuthBodyParserOptions } from './koa/body';
export type { OAuthState } from './koa/guard';
export {
  ResourceProtector,
  DEFAULT_LIMITS,
  type AuditEvent,
  type Authorize,
  type ScopedCredential,
  mergeRouteOptions,
  type Limits,
  type ResourceProtectorOptions,
  type RouteOptions,
} from './protector/resource-protector';
export { createExistsNonce, nonceKey, type ExistsNonce, type ExistsNonceOptions } from './protector/exists-nonce';
export type { NonceCache } from './protector/nonce-cache';
export { MemoryNonceCache, NonceCacheFullError, type MemoryNonceCacheOptions } from './protector/memory-nonce-cache';
export { RedisNonceCache, type RedisClientLike, type RedisNonceCacheOptions } from './protector/redis-nonce-cache';
export type { Parameter, ParameterLimits } from './rfc5849/parameters';
export type { Client, TokenCredential } from './rfc5849/credentials';
export * from './rfc5849/errors';
export { percentEncode, percentDecode } from './rfc5849/encoding';
export { baseStringUri, normalizeParameters, signatureBaseString } from './rfc5849/base-string';
export {
  registerSignatureMethod,
  resolveSignatureMethod,
  type SignatureMethod,
  type SignatureKeys,
  type DigestName,
} from './rfc5849/signature-methods';
export type { MaybePromise, OAuthRequest, VerifiedRequest } from './rfc5849/verify-request';
export { verifySignature } from './rfc5849/verify-signature';
export { formatSignatureReport, type SignatureReport } from './rfc5849/diagnosis';
export { parseRsaPublicKey } from './rfc5849/signature-methods';
export {
  OAUTH_SECURITY_SCHEME,
  OAUTH_SECURITY_SCHEME_NAME,
  oauthSpec,
  withOAuthSecurity,
  type OpenAPIDocument,
  type OpenAPISecurityRequirement,
  type OpenAPISecurityScheme,
} from './openapi/oauth-security';
