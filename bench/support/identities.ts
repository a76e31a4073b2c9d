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

/**
 * The HMAC-SHA1 key of HMAC_IDENTITY's requests (§3.4.2: the two secrets joined by "&"; both are unreserved, so their
 * encoding is themselves): what the floors and the bench's raw HMACs hash with.
 */
export const HMAC_KEY_TEXT = `${HMAC_IDENTITY.consumerSecret}&${HMAC_IDENTITY.tokenSecret}`;

export const RSA_IDENTITY: Identity = {
  consumerKey: 'bench-rsa-client',
  token: 'bench-rsa-token',
  tokenSecret: 'bench-rsa-token-secret',
  privateKey: DEMO_PRIVATE_KEY,
};
