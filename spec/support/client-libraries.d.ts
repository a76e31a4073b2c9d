/** The parts of the client libraries (which ship no types) that spec/interop-clients.spec.ts uses. */
declare module 'mastercard-oauth1-signer' {
  const OAuth: {
    /** The `Authorization` header value: RSA-SHA256 (or RSA-PSS) with `oauth_body_hash`, two-legged. */
    getAuthorizationHeader(
      uri: string,
      method: string,
      payload: string | null,
      consumerKey: string,
      signingKey: string,
      signatureMethod?: 'RSA-SHA256' | 'RSA-PSS-SHA256',
    ): string;
    /** Its steps, which it exports too. */
    extractQueryParams(uri: string): Map<string, Set<string>>;
    toOAuthParamString(query: Map<string, Set<string>>, oauth: Map<string, string>): string;
    getBaseUriString(uri: string): string;
    getSignatureBaseString(method: string, baseUri: string, paramString: string): string;
  };
  export = OAuth;
}

declare module 'oauth-sign' {
  /** The signature of a request from its parameters, as `request` (the HTTP client) signed with it. */
  export function sign(
    signatureMethod: string,
    httpMethod: string,
    baseUri: string,
    params: Record<string, string | string[]>,
    consumerSecretOrPrivateKey: string,
    tokenSecret?: string,
  ): string;
  export function rfc3986(value: string): string;
}

declare module 'ims-lti/lib/extensions/outcomes' {
  export class OutcomeService {
    constructor(options: { consumer_key: string; consumer_secret: string; service_url: string; source_did: string });
    send_replace_result(score: number, callback: (error: Error | null, ok: boolean) => void): void;
  }
}

declare module 'netsuite-rest' {
  /** NetSuite's REST web services client: three-legged HMAC-SHA256, the account ID as the header's realm. */
  class NetsuiteRest {
    constructor(options: {
      consumer_key: string;
      consumer_secret_key: string;
      token: string;
      token_secret: string;
      realm: string;
      /** In place of the account's `https://<account>.suitetalk.api.netsuite.com`. */
      base_url?: string;
    });
    /** A got request to `<base>/services/rest/<path>`; it rejects on a 4xx with got's `HTTPError`. */
    request(options: {
      path: string;
      method?: string;
      body?: string;
      heads?: Record<string, string>;
    }): Promise<{ statusCode: number; data: unknown }>;
  }
  export = NetsuiteRest;
}
