/**
 * RFC 5849 §3.4 alone: does the request's signature verify with these keys? No timestamp, nonce, store or
 * `oauth_body_hash` is involved; `verifyRequest` is the complete check. Useful to tools, tests and benchmarks. The
 * request names its method, and each method verifies only with its own keys: the secret methods with a
 * `clientSecret` given (an RSA client's key alone verifies no HMAC request signed with empty secrets), RSA-SHA* with an
 * RSA public key.
 */
import { signatureBaseString } from './base-string';
import { collectRequestParameters, type ParameterLimits } from './parameter-sources';
import type { SignatureKeys } from './signature-method';
import { resolveSignatureMethod, STANDARD_SIGNATURE_METHODS } from './signature-methods';
import type { OAuthRequest } from './verify-request';

const UNLIMITED: ParameterLimits = { authorizationHeader: Infinity, parameters: Infinity };

export function verifySignature(
  request: OAuthRequest,
  keys: SignatureKeys,
  limits = UNLIMITED,
  methods = STANDARD_SIGNATURE_METHODS,
): boolean {
  const { all, oauth } = collectRequestParameters(request, limits);
  const method = resolveSignatureMethod(oauth.get('oauth_signature_method') ?? '', methods);
  const signature = oauth.get('oauth_signature');
  if (!method || !signature) return false;
  return method.verify(signatureBaseString(request.method, request.uri, all), signature, keys);
}
