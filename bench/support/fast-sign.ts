/**
 * A per-request HMAC-SHA1 signer for the load client: the same header spec/support/sign.ts makes (checked
 * against it by `checkFastSigner`), with the constant parts of the base string computed once, so that
 * signing costs the client a few microseconds rather than twenty. Each call has a fresh nonce (a random
 * prefix and a counter) and the current timestamp.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { enc, sign, type Identity } from '../../spec/support/sign';

export type Signer = (nonce?: string, timestamp?: number) => string;

/** A signer of GET requests to `url` (no query) as `who`, with HMAC-SHA1. */
export function hmacSigner(url: string, who: Identity, realm = 'bench'): Signer {
  const u = new URL(url);
  if (u.search) throw new Error('hmacSigner signs URLs without a query');
  const key = `${enc(who.consumerSecret ?? '')}&${enc(who.tokenSecret ?? '')}`;
  // Sorted parameter names: consumer_key < nonce < signature_method < timestamp < token < version.
  const base0 = `GET&${enc(`${u.protocol}//${u.host}${u.pathname}`)}&${enc(`oauth_consumer_key=${enc(who.consumerKey)}&oauth_nonce=`)}`;
  const base1 = enc('&oauth_signature_method=HMAC-SHA1&oauth_timestamp=');
  const base2 = enc(`&oauth_token=${enc(who.token)}&oauth_version=1.0`);
  const head0 =
    `OAuth realm="${realm}", oauth_consumer_key="${enc(who.consumerKey)}", oauth_token="${enc(who.token)}", ` +
    'oauth_signature_method="HMAC-SHA1", oauth_timestamp="';
  const prefix = randomBytes(8).toString('hex');
  let counter = 0;
  return (nonce = prefix + (counter++).toString(36), timestamp = Math.floor(Date.now() / 1000)) => {
    const signature = createHmac('sha1', key).update(`${base0}${nonce}${base1}${timestamp}${base2}`).digest('base64');
    return `${head0}${timestamp}", oauth_nonce="${nonce}", oauth_version="1.0", oauth_signature="${enc(signature)}"`;
  };
}

/** Throws unless the fast signer and the test signer make the same header for the same nonce and timestamp. */
export function checkFastSigner(url: string, who: Identity): void {
  const nonce = 'a1b2c3d4e5f6';
  const timestamp = Math.floor(Date.now() / 1000);
  const fast = hmacSigner(url, who)(nonce, timestamp);
  const reference = sign({ url, who, nonce, timestamp, realm: 'bench' }).header;
  if (fast !== reference)
    throw new Error(`the bench's fast signer disagrees with spec/support/sign.ts:\n${fast}\n${reference}`);
}
