/**
 * The bench app's clients and tokens, shared by the server (its in-memory stores) and the load client
 * (the signer): one HMAC client and one RSA client, with the demo key pair.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_PRIVATE_KEY, type Identity } from '../../spec/support/sign';

/** The public half of spec/fixtures/demo-client.pem. */
export const RSA_PUBLIC_KEY_PEM = readFileSync(join(__dirname, '..', '..', 'demo', 'keys', 'client.pub.pem'), 'utf8');

export const HMAC_IDENTITY: Identity = {
  consumerKey: 'bench-hmac-client',
  consumerSecret: 'bench-hmac-client-secret',
  token: 'bench-hmac-token',
  tokenSecret: 'bench-hmac-token-secret',
};

export const RSA_IDENTITY: Identity = {
  consumerKey: 'bench-rsa-client',
  token: 'bench-rsa-token',
  tokenSecret: 'bench-rsa-token-secret',
  privateKey: DEMO_PRIVATE_KEY,
};
