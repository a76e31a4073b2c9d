/**
 * The error vocabulary of a protected resource (see docs/error-contract.md).
 *
 * One class per `error` code, each with a stable `code`, its HTTP `status` and, where the OAuth Problem
 * Reporting extension has a word for it, a `problem` for the challenge. An error is built once, with all
 * it carries: the `cause` of a store fault, and the client and token the request claimed (for audit logs).
 * Messages are one human sentence and never contain secrets, signatures, base strings or text the client
 * chose (a parameter name is named only when it is one of the protocol's own).
 */
export type OAuthErrorCode =
  | 'missing_credentials'
  | 'invalid_request'
  | 'missing_required_parameter'
  | 'duplicated_oauth_protocol_parameter'
  | 'unsupported_signature_method'
  | 'insecure_transport'
  | 'invalid_timestamp'
  | 'invalid_client'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'access_denied'
  | 'invalid_signature'
  | 'invalid_nonce'
  | 'request_too_large'
  | 'temporarily_unavailable';

/** Who a request claimed to be: its consumer key and token, when it got far enough to say. Never secrets. */
export interface Claimed {
  clientId?: string;
  token?: string;
}

export interface OAuthErrorOptions {
  /** Who the refused request claimed to be. */
  claimed?: Claimed;
  /** What went wrong underneath (a store's own error); never rendered. */
  cause?: unknown;
}

export abstract class OAuthError extends Error {
  abstract readonly code: OAuthErrorCode;
  abstract readonly status: 400 | 401 | 403 | 413 | 503;
  /** Problem Reporting extension: `oauth_problem` and any further parameters for the challenge. */
  readonly problem?: Readonly<Record<string, string>>;
  /** The consumer key the request claimed (verified only for 403s). */
  readonly clientId?: string;
  /** The token the request claimed. */
  readonly token?: string;

  constructor(message: string, options: OAuthErrorOptions = {}, problem?: Record<string, string>) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.problem = problem;
    this.clientId = options.claimed?.clientId;
    this.token = options.claimed?.token;
  }
}

/** The refusals whose status, message and Problem Reporting word never change. */
const FIXED = {
  missing_credentials: [401, 'The request carries no OAuth credentials.', undefined],
  insecure_transport: [400, 'OAuth 1.0a requests to this resource must use HTTPS.', undefined],
  invalid_client: [401, 'The consumer key is unknown.', 'consumer_key_unknown'],
  invalid_nonce: [401, 'The nonce was already used.', 'nonce_used'],
  access_denied: [403, 'This credential may not use this resource.', undefined],
} as const;

/** The base class of the refusals with one `error` code and one status. */
function refusal<C extends OAuthErrorCode, S extends OAuthError['status']>(code: C, status: S) {
  return class extends OAuthError {
    readonly code = code;
    readonly status = status;
  };
}

/** The base class of one of the FIXED refusals. */
function fixed<C extends keyof typeof FIXED>(code: C) {
  const [status, message, oauthProblem] = FIXED[code];
  return class extends refusal(code, status) {
    constructor(options?: OAuthErrorOptions) {
      super(message, options, oauthProblem === undefined ? undefined : { oauth_problem: oauthProblem });
    }
  };
}

export class MissingCredentialsError extends fixed('missing_credentials') {}
export class InsecureTransportError extends fixed('insecure_transport') {}
export class InvalidClientError extends fixed('invalid_client') {}
export class InvalidNonceError extends fixed('invalid_nonce') {}
export class AccessDeniedError extends fixed('access_denied') {}

export class InvalidRequestError extends refusal('invalid_request', 400) {}

export class MissingRequiredParameterError extends refusal('missing_required_parameter', 400) {
  constructor(
    readonly parameter: string,
    options?: OAuthErrorOptions,
  ) {
    const why = parameter === 'oauth_body_hash' ? ': a body that is not form-encoded is signed only through it' : '';
    super(`The request is missing the ${parameter} parameter${why}.`, options, {
      oauth_problem: 'parameter_absent',
      oauth_parameters_absent: parameter,
    });
  }
}

export class DuplicatedParameterError extends refusal('duplicated_oauth_protocol_parameter', 400) {}

export class UnsupportedSignatureMethodError extends refusal('unsupported_signature_method', 400) {
  constructor(message: string, options?: OAuthErrorOptions) {
    super(message, options, { oauth_problem: 'signature_method_rejected' });
  }
}

export class InvalidTimestampError extends refusal('invalid_timestamp', 401) {
  constructor(min: number, max: number, options?: OAuthErrorOptions) {
    super('The oauth_timestamp is outside the accepted window.', options, {
      oauth_problem: 'timestamp_refused',
      oauth_acceptable_timestamps: `${min}-${max}`,
    });
  }
}

export type TokenProblem = 'token_rejected' | 'token_expired' | 'token_revoked';

const TOKEN_MESSAGES: Readonly<Record<TokenProblem, string>> = {
  token_rejected: 'The token is unknown or was not issued to this client.',
  token_expired: 'The token has expired.',
  token_revoked: 'The token was revoked.',
};

export class InvalidTokenError extends refusal('invalid_token', 401) {
  constructor(problem: TokenProblem = 'token_rejected', options?: OAuthErrorOptions) {
    super(TOKEN_MESSAGES[problem], options, { oauth_problem: problem });
  }
}

export class InvalidSignatureError extends refusal('invalid_signature', 401) {
  constructor(message = 'The signature does not verify.', options?: OAuthErrorOptions) {
    super(message, options, { oauth_problem: 'signature_invalid' });
  }
}

export class InsufficientScopeError extends refusal('insufficient_scope', 403) {
  constructor(
    readonly required: readonly string[],
    readonly missing: readonly string[],
    options?: OAuthErrorOptions,
  ) {
    super(`This resource requires the scopes ${required.join(', ')}; not granted: ${missing.join(', ')}.`, options);
  }
}

export class RequestTooLargeError extends refusal('request_too_large', 413) {
  constructor(limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
  }
}

export class TemporarilyUnavailableError extends refusal('temporarily_unavailable', 503) {
  /** Seconds a client should wait (the `Retry-After` header). */
  readonly retryAfterSeconds = 1;
  constructor(options?: OAuthErrorOptions) {
    super('A credential store is unavailable; sign the request again and retry shortly.', options);
  }
}
