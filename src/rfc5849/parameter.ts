/**
 * One request parameter (RFC 5849 §3.4.1.3): its name and value, decoded once, and their §3.6
 * encodings, which the signature base string holds.
 *
 * A parameter read from a request keeps the text it arrived as where that text is already its encoding (as
 * almost every client writes it); any other encoding is computed the first time the base string needs it,
 * which for `oauth_signature` is never.
 */
import { decodeReceived, encodingAsReceived, percentDecode, percentEncode, scanReceived } from './encoding';

export class Parameter {
  #encodedValue: string | undefined;

  constructor(
    readonly name: string,
    readonly value: string,
    readonly encodedName: string = percentEncode(name),
    encodedValue?: string,
  ) {
    this.#encodedValue = encodedValue;
  }

  /** The §3.6 encoding of the value. */
  get encodedValue(): string {
    return (this.#encodedValue ??= percentEncode(this.value));
  }
}

/** Parameters from decoded names and values, e.g. `parameters([['a', '1'], ['b', 'x y']])`. */
export function parameters(pairs: Iterable<readonly [name: string, value: string]>): Parameter[] {
  return Array.from(pairs, ([name, value]) => new Parameter(name, value));
}

/** The protocol parameter names (§3.1, §2, and the body hash extension). */
const PROTOCOL_NAMES: readonly string[] = [
  'oauth_consumer_key',
  'oauth_token',
  'oauth_signature_method',
  'oauth_signature',
  'oauth_timestamp',
  'oauth_nonce',
  'oauth_version',
  'oauth_body_hash',
  'oauth_callback',
  'oauth_verifier',
];

/**
 * How a refusal may name a parameter: by its name when it is one of the protocol's, never by text the
 * client chose.
 */
export const describeParameter = (name: string): string =>
  PROTOCOL_NAMES.includes(name) ? `the ${name} parameter` : 'an oauth_ parameter';

/**
 * The protocol names by length, for every length up to the longest (a dense table): a name read from a request
 * is swapped for its literal, found by comparing in place (no slice, no hashing), which compares and sorts
 * faster than a slice of the header.
 */
const PROTOCOL_NAMES_BY_LENGTH: readonly (readonly string[])[] = Array.from(
  { length: Math.max(...PROTOCOL_NAMES.map((name) => name.length)) + 1 },
  (_, length) => PROTOCOL_NAMES.filter((name) => name.length === length),
);

/** The protocol name literal spelled by text[from, to), if it is one. */
export function protocolNameAt(text: string, from: number, to: number): string | undefined {
  const length = to - from;
  if (length >= PROTOCOL_NAMES_BY_LENGTH.length) return undefined;
  const candidates = PROTOCOL_NAMES_BY_LENGTH[length];
  for (let c = 0; c < candidates.length; c++) if (text.startsWith(candidates[c], from)) return candidates[c];
  return undefined;
}

/**
 * One parameter received as text[nameFrom, nameTo) "=" text[valueFrom, valueTo): decoded once
 * (`plusIsSpace`: the form-encoding rule of query strings and form bodies), its encodings kept. `name` is the
 * protocol name literal the raw name spells, when the caller has found it (`protocolNameAt`); `plainValue` true
 * when the caller has found the raw value all unreserved. The rest is read in one pass each (`scanReceived`).
 */
export function receiveParameter(
  text: string,
  nameFrom: number,
  nameTo: number,
  valueFrom: number,
  valueTo: number,
  plusIsSpace: boolean,
  name: string | undefined = protocolNameAt(text, nameFrom, nameTo),
  plainValue = false,
): Parameter {
  let encodedName = name;
  if (name === undefined || encodedName === undefined) {
    const rawName = text.slice(nameFrom, nameTo);
    const found = scanReceived(rawName, plusIsSpace);
    name = decodeReceived(rawName, found);
    encodedName = encodingAsReceived(rawName, found) ?? percentEncode(name);
  }
  const rawValue = text.slice(valueFrom, valueTo);
  if (plainValue) return new Parameter(name, rawValue, encodedName, rawValue);
  return receiveValue(name, encodedName, rawValue, plusIsSpace);
}

/** A parameter whose value was received as `raw`, not known to be all unreserved (apart, kept small to inline). */
function receiveValue(name: string, encodedName: string, raw: string, plusIsSpace: boolean): Parameter {
  // Never in the base string (§3.4.1.3.1), so never encoded: decoded alone, by the decoder long text goes faster through.
  if (name === 'oauth_signature') return new Parameter(name, percentDecode(raw, plusIsSpace), encodedName);
  const found = scanReceived(raw, plusIsSpace);
  return new Parameter(name, decodeReceived(raw, found), encodedName, encodingAsReceived(raw, found));
}
