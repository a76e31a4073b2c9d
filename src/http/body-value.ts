/**
 * The body an application reads on a guarded route, made from the very bytes and parameters that were
 * verified: a form body is its verified parameters, flat; a JSON body is parsed from the verified bytes;
 * any other body is `{}`, as the frameworks' own parsers leave types they do not parse (its bytes stay
 * available as verified).
 */
import type { Parameter } from '../rfc5849/parameter';
import { InvalidRequestError } from '../rfc5849/errors';
import { flatParameters } from './flat-parameters';
import type { HttpRequest } from './http-request';
import { FORM, isJson } from './media-type';
import { parseFormEncoded } from '../rfc5849/form-encoded';
import { tooManyParameters, type ParameterLimits } from '../rfc5849/parameter-sources';

/**
 * What the action binds a JSON body to: any JSON value; any but a string (an untyped parameter, for which
 * routing-controllers parses a string a second time); or an object (a class DTO, or fields read by name).
 */
export type BodyShape = 'any' | 'non-string' | 'object';

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A JSON body, parsed before verification (a body that is not JSON, or not the object a DTO needs, is a
 * 400 that costs no store call); undefined for a body that is not JSON or is empty.
 */
export function parseJsonBody(request: HttpRequest, shape: BodyShape): unknown {
  if (!isJson(request.mediaType) || request.body.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new InvalidRequestError('The JSON body cannot be parsed.');
  }
  if (shape === 'object' && !isObject(value)) throw new InvalidRequestError('The JSON body must be an object.');
  if (shape === 'non-string' && typeof value === 'string') {
    throw new InvalidRequestError('The JSON body must not be a string here.');
  }
  return value;
}

/** The body for the application: the verified form parameters, the parsed JSON, or `{}`. */
export function bodyValue(form: readonly Parameter[] | undefined, json: unknown): unknown {
  if (form !== undefined) return flatParameters(form);
  return json === undefined ? {} : json;
}

/**
 * The body for a route that is not guarded, read by `oauthBodyParser()` with the same strict decoders and the
 * same parameters limit: a form as a flat object, JSON parsed, and `{}` for any other type.
 */
export function parsedBody(type: string | undefined, bytes: Buffer, limits: ParameterLimits): unknown {
  if (type === FORM) {
    const params = parseFormEncoded(bytes.toString('latin1'), limits.parameters);
    if (params.length > limits.parameters) throw tooManyParameters(limits.parameters);
    return flatParameters(params);
  }
  if (!isJson(type)) return {};
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InvalidRequestError('The JSON body cannot be parsed.');
  }
}
