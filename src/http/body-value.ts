/**
 * The body an application reads on a guarded route, made from the very bytes and parameters that were
 * verified: a form body is its verified parameters, flat; a JSON body is parsed from the verified bytes;
 * any other body is `{}`, as the frameworks' own parsers leave types they do not parse (its bytes stay
 * available as verified).
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import type { Parameter } from '../rfc5849/parameter';
import { InvalidRequestError } from '../rfc5849/errors';
import { flatParameters } from './flat-parameters';
import type { HttpRequest } from './http-request';
import { checkFormCharset, FORM, isJson, readableMediaType } from './media-type';
import { parseFormBody } from '../rfc5849/form-encoded';
import { tooManyParameters } from '../rfc5849/parameter-sources';
import type { Limits } from '../protector/settings';

/** The limits a body's reading needs. */
export type BodyLimits = Pick<Limits, 'parameters' | 'jsonDepth'>;

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
export function parseJsonBody(request: HttpRequest, shape: BodyShape, jsonDepth: number): unknown {
  if (!isJson(request.mediaType) || request.body.length === 0) return undefined;
  const value = decodeJson(request.body, jsonDepth);
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
 * The body for a route that is not guarded, read by `oauthBodyParser()` with the same strict decoders, checks and
 * limits as the guard's: a form as a flat object, JSON parsed, and `{}` for any other type.
 */
export function parsedBody(headers: IncomingHttpHeaders, bytes: Buffer, limits: BodyLimits): unknown {
  const type = readableMediaType(headers);
  if (type === FORM) {
    const form = bytes.toString('latin1');
    checkFormCharset(headers, form);
    const params = parseFormBody(form, limits.parameters, bytes, true);
    if (params.length > limits.parameters) throw tooManyParameters(limits.parameters);
    return flatParameters(params);
  }
  // An empty JSON body is none, as the guard reads it (parseJsonBody), however it was framed (chunked, length 00).
  return isJson(type) && bytes.length > 0 ? decodeJson(bytes, limits.jsonDepth) : {};
}

/**
 * JSON bytes as a value, strictly: bytes that are not UTF-8 are a 400, never text with U+FFFD in it (two different
 * bodies would read the same), and so is nesting deeper than `most` (what reads the value next, class-transformer
 * among others, recurses once per level: two thousand levels, eight kilobytes, overflow its stack).
 */
function decodeJson(bytes: Buffer, most: number): unknown {
  if (!isUtf8(bytes)) throw new InvalidRequestError('The JSON body is not valid UTF-8.');
  const text = bytes.toString('utf8');
  if (nestsDeeperThan(text, most)) throw new InvalidRequestError(`The JSON body nests deeper than ${most} levels.`);
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidRequestError('The JSON body cannot be parsed.');
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/** Whether arrays and objects in the JSON text nest deeper than `most`, brackets inside strings aside. */
function nestsDeeperThan(text: string, most: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > most) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
  }
  return false;
}
