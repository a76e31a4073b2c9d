/**
 * Known-answer vectors, kept as data with their sources in spec/vectors/:
 * - hmac-sha1.json: RFC 5849 §1.2 and §3.4.1.1, and X's "Creating a signature";
 * - published.json: HMAC-SHA256/512 and RSA-SHA1/256/512 vectors from published test suites.
 */
import { createPublicKey } from 'node:crypto';
import {
  baseStringUri,
  collectParameters,
  parameters,
  parseAuthorizationHeader,
  parseFormEncoded,
  resolveSignatureMethod,
  signatureBaseString,
} from '../src/core';
import hmacSha1 from './vectors/hmac-sha1.json';
import published from './vectors/published.json';

interface Vector {
  source: string;
  method?: string;
  http_method?: string;
  uri?: string;
  params?: string[][];
  raw_request?: string;
  base_string?: string;
  client_secret?: string;
  token_secret?: string;
  public_key_pem?: string;
  signature?: string;
}

/** Test names: the source's first clause is enough to find it in the JSON. */
const title = (v: Vector) => `${v.method}: ${v.source.split(/[,(]/)[0].trim()}`;

const uriOf = (uri: string) => {
  const u = new URL(uri);
  return baseStringUri(u.protocol.slice(0, -1), u.host, u.pathname);
};

function baseStringFromParams(httpMethod: string, v: Vector): string {
  return signatureBaseString(httpMethod, uriOf(v.uri as string), parameters((v.params ?? []) as [string, string][]));
}

function verifies(signatureMethod: string, v: Vector, baseString: string, signature = v.signature as string): boolean {
  const method = resolveSignatureMethod(signatureMethod);
  if (!method) throw new Error(`no method ${signatureMethod}`);
  return method.verify(baseString, signature, {
    clientSecret: v.client_secret,
    tokenSecret: v.token_secret,
    rsaPublicKey: v.public_key_pem ? createPublicKey(v.public_key_pem) : undefined,
  });
}

describe('HMAC-SHA1 vectors (RFC 5849, X)', () => {
  const vectors = hmacSha1.vectors as Vector[];

  it.each(vectors.filter((v) => v.params).map((v) => [v.source, v]))('%s', (_source, v) => {
    const base = baseStringFromParams(v.method as string, v);
    if (v.base_string) expect(base).toBe(v.base_string);
    expect(verifies('HMAC-SHA1', v, base)).toBe(true);
  });

  it('RFC 5849 §3.4.1.1: the base string of the raw example request, from header, query and form body', () => {
    const v = vectors.find((x) => x.raw_request) as Vector;
    const [head, body] = (v.raw_request as string).split('\r\n\r\n');
    const [requestLine, ...headerLines] = head.split('\r\n');
    const [httpMethod, target] = requestLine.split(' ');
    const authorization = headerLines.find((l) => l.startsWith('Authorization: '))?.slice(15) as string;
    const host = headerLines.find((l) => l.startsWith('Host: '))?.slice(6) as string;
    const [path, query] = target.split('?');
    const { all } = collectParameters({
      header: parseAuthorizationHeader(authorization).params,
      query: parseFormEncoded(query),
      form: parseFormEncoded(body),
    });
    const base = signatureBaseString(httpMethod, baseStringUri('http', host, path), all);
    expect(base).toBe(v.base_string);
  });
});

describe('published vectors for the other signature methods', () => {
  const vectors = published.vectors as Vector[];

  it.each(vectors.map((v) => [title(v), v]))('%s', (_name, v) => {
    if (v.params && v.uri) expect(baseStringFromParams(v.http_method as string, v)).toBe(v.base_string);
    expect(verifies(v.method as string, v, v.base_string as string)).toBe(true);
  });

  it.each((published.negative_vectors as Vector[]).map((v) => [title(v), v]))('rejects %s', (_source, v) => {
    expect(verifies(v.method as string, v, v.base_string as string)).toBe(false);
  });

  it.each(vectors.filter((v) => v.method?.startsWith('RSA')).map((v) => [title(v), v]))(
    'refuses the same RSA signature over a base string changed by one byte: %s',
    (_name, v) => {
      const base = v.base_string as string;
      expect(verifies(v.method as string, v, base.slice(0, -1) + (base.endsWith('A') ? 'B' : 'A'))).toBe(false);
    },
  );

  it.each(vectors.filter((v) => v.method?.startsWith('RSA')).map((v) => [title(v), v]))(
    'refuses a non-canonical spelling of a valid RSA signature (padding dropped): %s',
    (_name, v) => {
      const unpadded = (v.signature as string).replace(/=+$/, '');
      if (unpadded === v.signature)
        return expect(verifies(v.method as string, v, v.base_string as string, `${unpadded}=`)).toBe(false);
      expect(verifies(v.method as string, v, v.base_string as string, unpadded)).toBe(false);
    },
  );
});
