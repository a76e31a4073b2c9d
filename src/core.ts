/**
 * `routing-controllers-oauth1/core`: the RFC 5849 protocol alone, for tools, tests and other servers. It
 * loads node:crypto and nothing else: no web framework, no routing-controllers, no typedi.
 */
export * from './rfc5849/errors';
export { percentEncode, percentDecode } from './rfc5849/encoding';
export { Parameter, parameters } from './rfc5849/parameter';
export {
  isOAuthScheme,
  parseAuthorizationHeader,
  formatAuthorizationHeader,
  type AuthorizationHeader,
} from './rfc5849/authorization-header';
export { parseFormEncoded, formatFormEncoded } from './rfc5849/form-encoded';
export {
  collectParameters,
  collectRequestParameters,
  type CollectedParameters,
  type ParameterLimits,
  type ParameterSources,
} from './rfc5849/parameter-sources';
export { baseStringUri, normalizeParameters, signatureBaseString } from './rfc5849/base-string';
export { mastercardBaseString, mastercardPairs, type MastercardParameters } from './rfc5849/mastercard-base-string';
export type { BaseStringRule } from './rfc5849/signature';
export type { DigestName } from './rfc5849/digest';
export type { SignatureMethod, SignatureKeys, SigningKeys } from './rfc5849/signature-method';
export { STANDARD_SIGNATURE_METHODS, signatureMethodTable, resolveSignatureMethod } from './rfc5849/signature-methods';
export { parseRsaPublicKey } from './rfc5849/rsa-sha';
export { verifySignature } from './rfc5849/verify-signature';
export { signRequest, type SignRequestOptions, type SignRequestResult } from './rfc5849/sign-request';
export {
  verifyRequest,
  type MaybePromise,
  type NonceLifetime,
  type OAuthRequest,
  type VerifiedRequest,
  type VerifyPolicy,
  type VerifyStores,
} from './rfc5849/verify-request';
export type { Client, TokenCredential } from './rfc5849/credentials';
export { formatSignatureReport, type SignatureReport } from './rfc5849/diagnosis';
