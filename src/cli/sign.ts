/**
 * `routing-controllers-oauth1 sign`: the request its arguments describe, signed by the core's `signRequest`,
 * so that what it prints is what the guard checks.
 *
 * Pure apart from the injected clock, random source and file reader.
 */
import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { signRequest } from '../core';
import { UsageError } from './arguments';
import type { SignArguments } from './sign-arguments';

/** What the tool needs from the outside world; injected so that signing is reproducible in tests. */
export interface SignDependencies {
  /** Seconds since the epoch. */
  now(): number;
  nonce(): string;
  readFile(path: string): string;
}

/** Linux's limit on one argument of a command (MAX_ARG_STRLEN, 32 pages), which the printed curl's body is. */
const MOST_ARGUMENT_BYTES = 128 * 1024 - 1;

/** A PEM key is a few kilobytes: a device, a pipe or a huge file (`/dev/zero`) is not read. */
const MOST_KEY_FILE_BYTES = 1024 * 1024;

export const defaultDependencies: SignDependencies = {
  now: () => Math.floor(Date.now() / 1000),
  nonce: () => randomBytes(16).toString('hex'),
  readFile: (path) => {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > MOST_KEY_FILE_BYTES) throw new Error('not a regular file of at most 1 MiB');
    return readFileSync(path, 'utf8');
  },
};

/** The signed request, as the tool prints it. */
export interface PrintedRequest {
  method: string;
  /** The URL to send, without fragment. */
  url: string;
  /** Value of the `Authorization` header. */
  authorization: string;
  contentType?: string;
  body?: string;
  /** The §3.4.1 signature base string, for debugging. */
  baseString: string;
  /** Things worth telling the user on stderr. */
  warnings: string[];
}

/** The RSA private key in a PEM file, with the file named in any complaint. */
function loadPrivateKey(file: string, readFile: SignDependencies['readFile']): KeyObject {
  let pem: string;
  try {
    pem = readFile(file);
  } catch (error) {
    throw new UsageError(`Cannot read --private-key ${file}: ${(error as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new UsageError(`--private-key ${file} is not an unencrypted PEM private key.`);
  }
  if (key.asymmetricKeyType !== 'rsa') throw new UsageError(`--private-key ${file} is not an RSA key.`);
  return key;
}

/** Signs the request the arguments describe, with the protocol parameters in the Authorization header. */
export function signFromArguments(args: SignArguments, deps: SignDependencies = defaultDependencies): PrintedRequest {
  const signed = signedAsArguments(() =>
    signRequest({
      method: args.method,
      url: args.url,
      consumerKey: args.consumerKey,
      consumerSecret: args.consumerSecret,
      token: args.token,
      tokenSecret: args.tokenSecret,
      rsaPrivateKey: args.privateKeyFile === undefined ? undefined : loadPrivateKey(args.privateKeyFile, deps.readFile),
      signatureMethod: args.signatureMethod,
      realm: args.realm,
      form: args.data.length > 0 ? args.data : undefined,
      body: args.json,
      contentType: args.json === undefined ? undefined : 'application/json',
      timestamp: args.timestamp ?? deps.now(),
      nonce: args.nonce ?? deps.nonce(),
    }),
  );
  const warnings: string[] = [];
  if (signed.body !== undefined && args.method === 'GET') {
    warnings.push('a GET request with a body: many servers ignore or refuse it.');
  }
  if (args.signatureMethod === 'PLAINTEXT' && args.url.protocol !== 'https:') {
    warnings.push('PLAINTEXT over http:// sends the secrets in the clear.');
  }
  const body = signed.body === undefined ? '' : String(signed.body);
  if (body.includes('\r')) {
    // A terminal hands a pasted carriage return to the shell as a line feed: the body sent would not be the one signed.
    warnings.push(
      'the body holds carriage returns: pipe the command to sh, as pasting it would send line feeds instead.',
    );
  }
  if (Buffer.byteLength(body) > MOST_ARGUMENT_BYTES) {
    warnings.push(
      `the body is ${Buffer.byteLength(body)} bytes: a command line argument holds at most ${MOST_ARGUMENT_BYTES} ` +
        'on Linux, so the printed command cannot run; use --header-only and send the body another way.',
    );
  }
  return {
    method: signed.method,
    url: signed.url,
    // Placed in the header (the default), the parameters always make one.
    authorization: signed.headers.Authorization as string,
    contentType: signed.headers['Content-Type'],
    body: signed.body === undefined ? undefined : String(signed.body),
    baseString: signed.baseString,
    warnings,
  };
}

/**
 * What `signRequest` refuses (a control character in a key, a path the guard would refuse, a key too short for its
 * digest) comes from the arguments: a usage error, exit code 2.
 */
function signedAsArguments(sign: () => ReturnType<typeof signRequest>): ReturnType<typeof signRequest> {
  try {
    return sign();
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}
