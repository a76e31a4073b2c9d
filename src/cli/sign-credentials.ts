/**
 * The token and the key material of `routing-controllers-oauth1 sign`: from the flags or the environment (a
 * flag wins), and what each kind of signature method needs, the shared secrets or an RSA private key.
 */
import type { SignatureMethod } from '../core';
import { UsageError } from './arguments';

export interface SignCredentials {
  consumerSecret?: string;
  token?: string;
  tokenSecret?: string;
  /** Path of the PEM private key, for RSA-*. */
  privateKeyFile?: string;
}

/** The token and the key material for the method named `name`; UsageError for any missing or out of place. */
export function readCredentials(
  single: ReadonlyMap<string, string>,
  env: NodeJS.ProcessEnv,
  name: string,
  method: SignatureMethod,
): SignCredentials {
  const token = single.get('--token');
  if (token === '') throw new UsageError('--token must not be empty.');
  if (single.has('--token-secret') && token === undefined) throw new UsageError('--token-secret needs --token.');

  const privateKeyFile = single.get('--private-key');
  if (method.keyType === 'rsa') {
    if (privateKeyFile === undefined) throw new UsageError(`${name} needs --private-key FILE.`);
    return { token, privateKeyFile };
  }
  if (privateKeyFile !== undefined) throw new UsageError('--private-key is only used with the RSA-* methods.');
  const consumerSecret = single.get('--consumer-secret') ?? env.OAUTH1_CONSUMER_SECRET;
  if (consumerSecret === undefined) {
    throw new UsageError(`${name} needs the consumer secret: --consumer-secret or OAUTH1_CONSUMER_SECRET.`);
  }
  if (token === undefined) return { consumerSecret };
  const tokenSecret = single.get('--token-secret') ?? env.OAUTH1_TOKEN_SECRET;
  if (tokenSecret === undefined) {
    throw new UsageError(`${name} needs the token secret: --token-secret or OAUTH1_TOKEN_SECRET.`);
  }
  return { consumerSecret, token, tokenSecret };
}
