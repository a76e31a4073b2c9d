"""Signs requests with Python's two OAuth 1 client libraries, for spec/interop-python.spec.ts.

Reads a JSON list of requests on stdin and writes the signed ones as a JSON list on stdout, in the same order.
A request: {"lib": "oauthlib" | "authlib", "method", "url", "placement": "header" | "query" | "body",
"signature_method", "consumer_key", "consumer_secret", "token", "token_secret", "rsa_key", "realm",
"body", "content_type"}; absent or null fields are left out. A signed request: {"url", "headers", "body"}.

oauthlib.oauth1.Client is what requests-oauthlib signs with; authlib.oauth1.ClientAuth is what Authlib's
OAuth1Session and OAuth1Auth sign with. Neither sends anything here: the spec sends what they return.
"""
import json
import sys

from authlib.oauth1 import ClientAuth
from oauthlib import oauth1

OAUTHLIB_PLACEMENT = {
    "header": oauth1.SIGNATURE_TYPE_AUTH_HEADER,
    "query": oauth1.SIGNATURE_TYPE_QUERY,
    "body": oauth1.SIGNATURE_TYPE_BODY,
}
AUTHLIB_PLACEMENT = {"header": "HEADER", "query": "QUERY", "body": "BODY"}


def sign_oauthlib(r):
    client = oauth1.Client(
        r["consumer_key"],
        client_secret=r.get("consumer_secret"),
        resource_owner_key=r.get("token"),
        resource_owner_secret=r.get("token_secret"),
        signature_method=r["signature_method"],
        signature_type=OAUTHLIB_PLACEMENT[r["placement"]],
        rsa_key=r.get("rsa_key"),
        realm=r.get("realm"),
    )
    headers = {"Content-Type": r["content_type"]} if r.get("content_type") else {}
    return client.sign(r["url"], http_method=r["method"], body=r.get("body"), headers=headers)


def sign_authlib(r):
    auth = ClientAuth(
        r["consumer_key"],
        client_secret=r.get("consumer_secret"),
        token=r.get("token"),
        token_secret=r.get("token_secret"),
        signature_method=r["signature_method"],
        signature_type=AUTHLIB_PLACEMENT[r["placement"]],
        rsa_key=r.get("rsa_key"),
        realm=r.get("realm"),
        force_include_body=True,
    )
    headers = {"Content-Type": r["content_type"]} if r.get("content_type") else {}
    body = r.get("body")
    # As requests hands them over: a form body as text (Authlib reads its parameters only from text), any other
    # body as bytes (which Authlib hashes into oauth_body_hash).
    if body is None:
        body = b""
    elif r.get("content_type") != "application/x-www-form-urlencoded":
        body = body.encode("utf-8")
    return auth.prepare(r["method"], r["url"], headers, body)


def main():
    signed = []
    for r in json.load(sys.stdin):
        url, headers, body = (sign_oauthlib if r["lib"] == "oauthlib" else sign_authlib)(r)
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        signed.append({"url": url, "headers": dict(headers), "body": body or None})
    json.dump(signed, sys.stdout)


main()
