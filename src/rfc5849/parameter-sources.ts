/**
 * RFC 5849 §3.4.1.3.1 Parameter Sources and §3.5 Parameter Transmission: the signature covers the
 * `Authorization` header (minus realm), the query and a single-part form body. Protocol parameters must
 * come from exactly one of those places and appear once (§3.5: "...MUST NOT be transmitted... more than
 * once").
 */
import { parseAuthorizationHeader } from './authorization-header';
import { DuplicatedParameterError, InvalidRequestError } from './errors';
import { parseFormBody, parseFormEncoded } from './form-encoded';
import { describeParameter, type Parameter } from './parameter';

export interface ParameterSources {
  /** Parameters of an `Authorization: OAuth` header, if the request carries one. */
  header?: readonly Parameter[];
  query: readonly Parameter[];
  /** Parameters of a single-part form-encoded body, if the request has one. */
  form?: readonly Parameter[];
}

export interface CollectedParameters extends ParameterSources {
  /** Every parameter that the signature covers, in the order collected. */
  all: Parameter[];
  /** The `oauth_` protocol parameters by name, each present at most once. */
  oauth: Map<string, string>;
}

const PLACES = { header: 'Authorization header', query: 'query string', form: 'form body' } as const;

export function collectParameters(sources: ParameterSources): CollectedParameters {
  const collected: CollectedParameters = {
    header: sources.header,
    query: sources.query,
    form: sources.form,
    all: [],
    oauth: new Map<string, string>(),
  };
  let oauthPlace = collect(collected, sources.header, 'header', undefined);
  oauthPlace = collect(collected, sources.query, 'query', oauthPlace);
  collect(collected, sources.form, 'form', oauthPlace);
  return collected;
}

/** Adds the parameters of one place; answers where the protocol parameters were sent, so far. */
function collect(
  into: CollectedParameters,
  params: readonly Parameter[] | undefined,
  place: keyof typeof PLACES,
  oauthPlace: keyof typeof PLACES | undefined,
): keyof typeof PLACES | undefined {
  if (params === undefined) return oauthPlace;
  const { all, oauth } = into;
  for (let i = 0; i < params.length; i++) {
    const param = params[i];
    all.push(param);
    if (!param.name.startsWith('oauth_')) continue;
    if (oauthPlace !== undefined && oauthPlace !== place) {
      throw new DuplicatedParameterError(
        `OAuth protocol parameters were sent in both the ${PLACES[oauthPlace]} and the ${PLACES[place]}.`,
      );
    }
    if (oauth.has(param.name)) {
      const which = describeParameter(param.name);
      throw new DuplicatedParameterError(`${which[0].toUpperCase()}${which.slice(1)} is repeated.`);
    }
    oauthPlace = place;
    oauth.set(param.name, param.value);
  }
  return oauthPlace;
}

export interface ParameterLimits {
  /** Longest `Authorization` header value, in characters. */
  authorizationHeader: number;
  /** Most parameters in header, query and form body together. */
  parameters: number;
}

/** What collection reads of a request: its OAuth `Authorization` value, raw query and raw form body. */
export interface ParameterText {
  authorization?: string;
  query: string;
  form?: string;
  /** The bytes `form` was read from, when the caller has them: a second reading of them is not decoded again. */
  body?: Uint8Array;
}

/** The refusal of a request with more parameters than `limit`. */
export const tooManyParameters = (limit: number) =>
  new InvalidRequestError(`The request has more than ${limit} parameters.`);

/** Parses (strictly, within the limits) and collects the parameters of a request. */
export function collectRequestParameters(request: ParameterText, limits: ParameterLimits): CollectedParameters {
  let header: Parameter[] | undefined;
  if (request.authorization !== undefined) {
    if (request.authorization.length > limits.authorizationHeader) {
      throw new InvalidRequestError(
        `The Authorization header is longer than ${limits.authorizationHeader} characters.`,
      );
    }
    header = parseAuthorizationHeader(request.authorization).params;
  }
  // Each place is read only as far as the parameters left allow: a large body of tiny pairs is refused, not decoded.
  const left = limits.parameters - (header?.length ?? 0);
  const query = parseFormEncoded(request.query, left);
  const form = request.form === undefined ? undefined : parseFormBody(request.form, left - query.length, request.body);
  if (query.length + (form?.length ?? 0) > left) {
    throw tooManyParameters(limits.parameters);
  }
  return collectParameters({ header, query, form });
}
