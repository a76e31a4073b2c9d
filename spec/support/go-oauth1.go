// Sends requests with Go's github.com/gomodule/oauth1 (Gary Burd's go-oauth, Debian's
// golang-github-gomodule-oauth1-dev), as its users send them, for spec/interop-go.spec.ts. Built from Debian's GOPATH:
// GOPATH=/usr/share/gocode GO111MODULE=off go run go-oauth1.go
//
// Reads {"base": "http://127.0.0.1:port", "requests": [...]} as JSON on stdin and writes one {"status", "body"} per
// request as a JSON list on stdout, in the same order (status 0 and the error's text when the client failed). A
// request: {"method": "GET" | "POST", "path", "placement": "header" | "form", "signature_method", "consumer_key",
// "consumer_secret", "token", "token_secret", "rsa_key" (PKCS #8 PEM, for RSA-SHA1), "query" (pairs of a GET's query,
// which the client writes into the URL itself: it refuses a URL that has one), "form" (pairs of a form body), "json"
// (the text of a JSON body)}.
//
// oauth.Client's Get and Post sign in the header and send; SignForm puts the protocol parameters in a form body, which
// net/http's PostForm sends; SetAuthorizationHeader signs a request the caller makes (here one with a JSON body).
package main

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/gomodule/oauth1/oauth"
)

type request struct {
	Method          string      `json:"method"`
	Path            string      `json:"path"`
	Placement       string      `json:"placement"`
	SignatureMethod string      `json:"signature_method"`
	ConsumerKey     string      `json:"consumer_key"`
	ConsumerSecret  string      `json:"consumer_secret"`
	Token           string      `json:"token"`
	TokenSecret     string      `json:"token_secret"`
	RsaKey          string      `json:"rsa_key"`
	Query           [][2]string `json:"query"`
	Form            [][2]string `json:"form"`
	JSON            *string     `json:"json"`
}

type answer struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
}

var methods = map[string]oauth.SignatureMethod{
	"HMAC-SHA1": oauth.HMACSHA1,
	"RSA-SHA1":  oauth.RSASHA1,
	"PLAINTEXT": oauth.PLAINTEXT,
}

func values(pairs [][2]string) url.Values {
	v := url.Values{}
	for _, pair := range pairs {
		v.Add(pair[0], pair[1])
	}
	return v
}

func send(base string, r request) (*http.Response, error) {
	client := oauth.Client{
		Credentials:     oauth.Credentials{Token: r.ConsumerKey, Secret: r.ConsumerSecret},
		SignatureMethod: methods[r.SignatureMethod],
	}
	if r.RsaKey != "" {
		block, _ := pem.Decode([]byte(r.RsaKey))
		if block == nil {
			return nil, errors.New("no PEM block in rsa_key")
		}
		key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		client.PrivateKey = key.(*rsa.PrivateKey)
	}
	token := &oauth.Credentials{Token: r.Token, Secret: r.TokenSecret}
	target := base + r.Path
	form := values(r.Form)
	switch {
	case r.Method == "GET":
		return client.Get(http.DefaultClient, token, target, values(r.Query))
	case r.JSON != nil:
		req, err := http.NewRequest("POST", target, strings.NewReader(*r.JSON))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		if err := client.SetAuthorizationHeader(req.Header, token, "POST", req.URL, nil); err != nil {
			return nil, err
		}
		return http.DefaultClient.Do(req)
	case r.Placement == "form":
		if err := client.SignForm(token, "POST", target, form); err != nil {
			return nil, err
		}
		return http.PostForm(target, form)
	default:
		return client.Post(http.DefaultClient, token, target, form)
	}
}

func main() {
	var input struct {
		Base     string    `json:"base"`
		Requests []request `json:"requests"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&input); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	answers := []answer{}
	for _, r := range input.Requests {
		res, err := send(input.Base, r)
		if err != nil {
			answers = append(answers, answer{0, err.Error()})
			continue
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			answers = append(answers, answer{0, err.Error()})
			continue
		}
		answers = append(answers, answer{res.StatusCode, string(body)})
	}
	if err := json.NewEncoder(os.Stdout).Encode(answers); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
