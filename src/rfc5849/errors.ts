/**
 * The error vocabulary of a protected resource (see docs/error-contract.md).
 *
 * One class per `error` code, each with a stable `code`, its HTTP `status` and, where the OAuth Problem
 * Reporting extension has a word for it, an `oauthProblem` plus extra challenge parameters.
 * Messages are one human sentence and never contain secrets, signatures or base strings.
 */
export abstract class OAuthError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  /** Problem Reporting extension: `oauth_problem` and any further parameters for the challenge. */
  readonly problem?: Readonly<Record<string, string>>;
  /** Who the refused request claimed to be, when it got that far (for audit logs; never secrets). */
  clientId?: string;
  token?: string;

  constructor(message: string, problem?: Record<string, string>) {
    super(message);
    this.name = new.target.name;
    this.problem = problem;
  }
}

export class MissingCredentialsError extends OAuthError {
  readonly code = 'missing_credentials';
  readonly status = 401;
}

export class InvalidRequestError extends OAuthError {
  readonly code = 'invalid_request';
  readonly status = 400;
}

export class MissingRequiredParameterError extends OAuthError {
  readonly code = 'missing_required_parameter';
  readonly status = 400;
  constructor(readonly parameter: string) {
    super(`The request is missing the ${parameter} parameter.`, {
      oauth_problem: 'parameter_absent',
      oauth_parameters_absent: parameter,
    });
  }
}

export class DuplicatedParameterError extends OAuthError {
  readonly code = 'duplicated_oauth_protocol_parameter';
  readonly status = 400;
}

export class UnsupportedSignatureMethodError extends OAuthError {
  readonly code = 'unsupported_signature_method';
  readonly status = 400;
  constructor(message: string) {
    super(message, { oauth_problem: 'signature_method_rejected' });
  }
}

export class InsecureTransportError extends OAuthError {
  readonly code = 'insecure_transport';
  readonly status = 400;
  constructor() {
    super('OAuth 1.0a requests to this resource must use HTTPS.');
  }
}

export class InvalidTimestampError extends OAuthError {
  readonly code = 'invalid_timestamp';
  readonly status = 401;
  constructor(min: number, max: number) {
    super('The oauth_timestamp is outside the accepted window.', {
      oauth_problem: 'timestamp_refused',
      oauth_acceptable_timestamps: `${min}-${max}`,
    });
  }
}

export class InvalidClientError extends OAuthError {
  readonly code = 'invalid_client';
  readonly status = 401;
  constructor() {
    super('The consumer key is unknown.', { oauth_problem: 'consumer_key_unknown' });
  }
}

export class InvalidTokenError extends OAuthError {
  readonly code = 'invalid_token';
  readonly status = 401;
  constructor(
    problem: 'token_rejected' | 'token_expired' | 'token_revoked' = 'token_rejected',
    message = 'The token is unknown or was not issued to this client.',
  ) {
    super(message, { oauth_problem: problem });
  }
}

export class InsufficientScopeError extends OAuthError {
  readonly code = 'insufficient_scope';
  readonly status = 403;
  constructor(
    readonly required: readonly string[],
    readonly missing: readonly string[],
  ) {
    super(`This resource requires the scopes ${required.join(', ')}; not granted: ${missing.join(', ')}.`);
  }
}

export class AccessDeniedError extends OAuthError {
  readonly code = 'access_denied';
  readonly status = 403;
  constructor() {
    super('This credential may not use this resource.');
  }
}

export class InvalidSignatureError extends OAuthError {
  readonly code = 'invalid_signature';
  readonly status = 401;
  constructor(message = 'The signature does not verify.') {
    super(message, { oauth_problem: 'signature_invalid' });
  }
}

export class InvalidNonceError extends OAuthError {
  readonly code = 'invalid_nonce';
  readonly status = 401;
  constructor() {
    super('The nonce was already used.', { oauth_problem: 'nonce_used' });
  }
}

export class RequestTooLargeError extends OAuthError {
  readonly code = 'request_too_large';
  readonly status = 413;
  constructor(limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
  }
}

export class TemporarilyUnavailableError extends OAuthError {
  readonly code = 'temporarily_unavailable';
  readonly status = 503;
  constructor(readonly retryAfterSeconds = 1) {
    super('A credential store is unavailable; try again shortly.');
  }
}
