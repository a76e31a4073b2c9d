/**
 * RFC 5849 §3.1 Making Requests, read from the server's side: which protocol parameters a request must
 * carry, and their syntax. Nothing here touches a store.
 */
import {
  InvalidRequestError,
  MissingRequiredParameterError,
  UnsupportedSignatureMethodError,
  type Claimed,
} from './errors';
import { describeParameter } from './parameter';
import type { SignatureMethod } from './signature-method';
import { parseTimestamp } from './timestamp-nonce';

/** The protocol parameters of one request, checked for presence and syntax. */
export interface ProtocolParameters {
  clientId: string;
  /** Undefined on a two-legged request without a token (or with an empty one). */
  token: string | undefined;
  signatureMethod: string;
  method: SignatureMethod;
  signature: string;
  /** Undefined only on a PLAINTEXT request that omits it (§3.1 allows that). */
  timestamp: number | undefined;
  /** Undefined only on a PLAINTEXT request that omits it (§3.1 allows that). */
  nonce: string | undefined;
  bodyHash: string | undefined;
}

export interface ProtocolPolicy {
  /** The signature methods this route accepts, by their case-sensitive names. */
  methods: ReadonlyMap<string, SignatureMethod>;
  /** Accept consumer-only requests (no `oauth_token`). */
  twoLegged: boolean;
  /** Require `oauth_timestamp` and `oauth_nonce` on PLAINTEXT requests too. */
  requireTimestampAndNonce: boolean;
  /** Longest consumer key, token and nonce, in characters. */
  credentialLength: number;
}

/** A control character (C0 or DEL). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTER = /[\x00-\x1f\x7f]/;

/** A required parameter's value; an empty one counts as absent. */
function required(oauth: ReadonlyMap<string, string>, name: string, claimed: Claimed): string {
  const value = oauth.get(name);
  if (!value) throw new MissingRequiredParameterError(name, { claimed });
  return value;
}

function checkLength(name: string, value: string | undefined, longest: number, claimed: Claimed): void {
  if (value !== undefined && value.length > longest) {
    throw new InvalidRequestError(`The ${name} is longer than ${longest} characters.`, { claimed });
  }
}

/**
 * Who the request claims to be, from its protocol parameters: for the refusals built from here on, and the audit
 * events made of them. Only a value that could be a credential is named (at most `longest` characters of printable
 * ASCII): a refusal must not carry 64 KiB, nor a line break (U+2028 and NEL too) that forges a line of a line-oriented
 * log, nor a bidirectional override that makes it read as another name.
 */
export function claimedBy(oauth: ReadonlyMap<string, string>, longest: number): Claimed {
  return {
    clientId: claimable(oauth.get('oauth_consumer_key'), longest),
    token: claimable(oauth.get('oauth_token'), longest),
  };
}

const claimable = (value: string | undefined, longest: number) =>
  value && value.length <= longest && PRINTABLE_ASCII.test(value) ? value : undefined;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * §3.1: "oauth_consumer_key", "oauth_signature_method", "oauth_signature", "oauth_timestamp" and
 * "oauth_nonce" are REQUIRED, "oauth_token" MAY be omitted when the request is not associated with a
 * resource owner (here: on two-legged routes), and "The timestamp and nonce parameters MAY be omitted"
 * with PLAINTEXT. "oauth_version", if present, MUST be set to "1.0". An empty value counts as absent.
 */
export function readProtocolParameters(
  oauth: ReadonlyMap<string, string>,
  policy: ProtocolPolicy,
  claimed: Claimed,
): ProtocolParameters {
  const clientId = required(oauth, 'oauth_consumer_key', claimed);
  const signatureMethod = required(oauth, 'oauth_signature_method', claimed);
  const signature = required(oauth, 'oauth_signature', claimed);
  const optional = signatureMethod === 'PLAINTEXT' && !policy.requireTimestampAndNonce;
  const timestamp = optional ? oauth.get('oauth_timestamp') || undefined : required(oauth, 'oauth_timestamp', claimed);
  const nonce = optional ? oauth.get('oauth_nonce') || undefined : required(oauth, 'oauth_nonce', claimed);
  const token = oauth.get('oauth_token') || undefined;
  if (token === undefined && !policy.twoLegged) throw new MissingRequiredParameterError('oauth_token', { claimed });

  // Protocol values are identifiers, numbers and base64: a decoded control character is never meant. The values
  // alone are read (no entry made per parameter); the name is looked for only to refuse.
  for (const value of oauth.values()) {
    if (CONTROL_CHARACTER.test(value)) {
      const name = [...oauth.keys()].find((key) => oauth.get(key) === value) ?? '';
      throw new InvalidRequestError(`The value of ${describeParameter(name)} contains a control character.`, {
        claimed,
      });
    }
  }
  const longest = policy.credentialLength;
  checkLength('oauth_consumer_key', clientId, longest, claimed);
  checkLength('oauth_token', token, longest, claimed);
  checkLength('oauth_nonce', nonce, longest, claimed);
  const version = oauth.get('oauth_version');
  if (version !== undefined && version !== '1.0') {
    throw new InvalidRequestError('The oauth_version, when present, must be 1.0.', { claimed });
  }
  const seconds = timestamp === undefined ? undefined : parseTimestamp(timestamp, claimed);
  const method = policy.methods.get(signatureMethod);
  if (!method) throw new UnsupportedSignatureMethodError('The signature method is not supported here.', { claimed });
  return {
    clientId,
    token,
    signatureMethod,
    method,
    signature,
    timestamp: seconds,
    nonce,
    bodyHash: oauth.get('oauth_body_hash'),
  };
}
