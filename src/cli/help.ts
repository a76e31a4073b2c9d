/**
 * What `--help` prints, for both commands.
 */
export const PROGRAM = 'routing-controllers-oauth1';

export const HELP = `Usage: ${PROGRAM} sign [options] METHOD URL
       ${PROGRAM} explain [options] METHOD URL

Signs one OAuth 1.0a (RFC 5849) request and prints a curl command that sends it.
The command carries a fresh timestamp and nonce: it is good for one use, within the
server's timestamp window (usually a few minutes).

Arguments:
  METHOD                      GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS
  URL                         absolute http:// or https:// URL; its query parameters are signed too

Options (each as --name VALUE or --name=VALUE; a VALUE that starts with "-" only as --name=VALUE):
  --consumer-key KEY          client (consumer) key (required)
  --consumer-secret SECRET    client secret, for HMAC-* and PLAINTEXT
                              (or the environment variable OAUTH1_CONSUMER_SECRET)
  --token TOKEN               token credential (omit for a request without a token)
  --token-secret SECRET       token secret, for HMAC-* and PLAINTEXT when --token is given
                              (or the environment variable OAUTH1_TOKEN_SECRET)
  --signature-method NAME     HMAC-SHA1 (default), HMAC-SHA256, HMAC-SHA512, PLAINTEXT,
                              RSA-SHA1, RSA-SHA256 or RSA-SHA512 (case-sensitive, as
                              servers compare them)
  --private-key FILE          PEM RSA private key (unencrypted), for RSA-*
  --realm REALM               realm="REALM" in the Authorization header (never signed)
  --data NAME=VALUE           a form parameter; repeat for more. Sent as
                              application/x-www-form-urlencoded and signed parameter by
                              parameter. NAME and VALUE are taken literally (the tool
                              percent-encodes them): --data 'q=a b&c' sends q=a%20b%26c
  --json BODY                 a JSON body, sent as application/json with oauth_body_hash
                              (SHA-1 for *-SHA1 and PLAINTEXT, SHA-256 for *-SHA256,
                              SHA-512 for *-SHA512)
  --header-only               print only the Authorization header value
  --explain                   also print on stderr what a server computes for the signed
                              request (the report of explain, below)
  -h, --help                  show this help

  A flag wins over its environment variable. Options also take the form --name=value.

${PROGRAM} explain [options] METHOD URL

Prints what a server computes for a request's signature, in the layout the server
logs when it refuses a signature in development mode: the method, the base string URI
(scheme and host lowercased, default port dropped, path as given), the normalized
parameters one per line (Authorization header minus realm, query, form body;
oauth_signature left out) and the signature base string, then hints about likely
mistakes. Compare it line by line with what your client signed. A request without
oauth_ parameters is explained too: the base string of the parameters given.

Options:
  --header 'Authorization: OAuth ...'
                              the request's Authorization header, name included
  --authorization 'OAuth ...' the same, the value only
  --form BODY                 the raw application/x-www-form-urlencoded body, as sent
                              (for example 'c2&a3=2+q')
  --data NAME=VALUE           a form parameter taken literally, as for sign; repeat for more

  METHOD is any HTTP method. The URL is taken as the client sends it: its path and
  query are not re-encoded (percent-encode spaces and other characters yourself).

Exit status: 0 on success, 2 for invalid arguments or a request whose parameters
a server cannot read (malformed Authorization header, bad percent-encoding,
protocol parameters repeated or in more than one place), 1 for anything else.
explain reports on any request it can read, exit 0, even one a server would
refuse for another reason (oauth_version, a timestamp that is not a number).

Examples:
  OAUTH1_CONSUMER_SECRET=demo-client-secret OAUTH1_TOKEN_SECRET=demo-token-secret \\
    ${PROGRAM} sign --consumer-key demo-client --token demo-token \\
    GET http://127.0.0.1:3000/api/me

  ${PROGRAM} sign --consumer-key rsa-client --token rsa-token \\
    --signature-method RSA-SHA256 --private-key client.pem \\
    POST http://127.0.0.1:3000/api/notes --json '{"text":"hi"}'

  ${PROGRAM} explain --form 'c2&a3=2+q' \\
    --header 'Authorization: OAuth oauth_consumer_key="9djdj82h48djs9d2", oauth_nonce="7d8f3e4a"' \\
    POST 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b'
`;
