<?php
// Sends requests with PHP's OAuth extension (PECL oauth, Debian's php-oauth), as its users send them, for
// spec/interop-php.spec.ts.
//
// Reads {"requests": [...]} as JSON on stdin and writes one {"status", "body"} per request as a JSON list on stdout,
// in the same order (status 0 and the error's text when the extension failed before any answer). A request:
// {"method": "GET" | "POST", "url", "auth_type": "header" | "query" | "form", "signature_method", "consumer_key",
// "consumer_secret", "token", "token_secret", "rsa_key" (the client's private key in PEM, for RSA-SHA1), "form"
// (pairs of a form body), "json" (the text of a JSON body)}; absent or null fields are left out.
//
// OAuth::fetch() signs the request, sends it (through PHP's streams) and keeps the answer, throwing on a status of
// 400 or more; the answer is then read from getLastResponse() and getLastResponseInfo().

const AUTH_TYPES = [
    'header' => OAUTH_AUTH_TYPE_AUTHORIZATION,
    'query' => OAUTH_AUTH_TYPE_URI,
    'form' => OAUTH_AUTH_TYPE_FORM,
];

$input = json_decode(file_get_contents('php://stdin'), true, 512, JSON_THROW_ON_ERROR);
$answers = [];
foreach ($input['requests'] as $r) {
    try {
        $oauth = new OAuth($r['consumer_key'], $r['consumer_secret'] ?? '', $r['signature_method'], AUTH_TYPES[$r['auth_type']]);
        $oauth->setRequestEngine(OAUTH_REQENGINE_STREAMS);
        $oauth->setToken($r['token'], $r['token_secret']);
        if (isset($r['rsa_key'])) {
            $oauth->setRSACertificate($r['rsa_key']);
        }
        $headers = [];
        $parameters = [];
        if (isset($r['json'])) {
            $parameters = $r['json']; // a string: sent as the body as it is
            $headers['Content-Type'] = 'application/json';
        } elseif (isset($r['form'])) {
            foreach ($r['form'] as [$name, $value]) {
                $parameters[$name] = $value;
            }
        }
        $method = $r['method'] === 'GET' ? OAUTH_HTTP_METHOD_GET : OAUTH_HTTP_METHOD_POST;
        try {
            $oauth->fetch($r['url'], $parameters, $method, $headers);
        } catch (OAuthException $refused) {
            // A 4xx answer: its status and body are kept all the same.
        }
        $info = $oauth->getLastResponseInfo();
        $answers[] = ['status' => (int) ($info['http_code'] ?? 0), 'body' => (string) $oauth->getLastResponse()];
    } catch (Throwable $e) {
        $answers[] = ['status' => 0, 'body' => get_class($e) . ': ' . $e->getMessage()];
    }
}
echo json_encode($answers, JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
