# Sends requests with Ruby's oauth gem (Debian's ruby-oauth) or simple_oauth (ruby-simple-oauth), as their users send
# them, for spec/interop-ruby.spec.ts.
#
# Reads {"base": "http://127.0.0.1:port", "requests": [...]} as JSON on stdin and writes one {"status", "body"} per
# request as a JSON list on stdout, in the same order (status 0 and the error's text when the library failed). A
# request: {"library": "oauth" | "simple_oauth", "method": "GET" | "POST", "path", "scheme": "header" |
# "query_string" | "body", "signature_method", "consumer_key", "consumer_secret" (for RSA-SHA1 the client's private
# key in PEM, as both take it), "token", "token_secret", "realm", "form" (pairs of a form body), "json" (the text of a
# JSON body)}; absent or null fields are left out.
#
# OAuth::AccessToken is what the oauth gem's users (the LTI tools and consumers built on ims-lti among them) sign and
# send with: it signs the request it makes with Net::HTTP, adds oauth_body_hash to a body that is not a form, and sends
# it. SimpleOAuth::Header is what the twitter gem signs with: it makes the Authorization header alone (the "header"
# scheme only), from the URL's query and a form's parameters, and the caller sends the request (here with Net::HTTP).
require 'json'
require 'net/http'
require 'oauth'
require 'oauth/signature/plaintext' # not loaded by 'oauth' itself
require 'simple_oauth'

def send_with_oauth(base, r)
  options = { site: base, scheme: r['scheme'].to_sym, signature_method: r['signature_method'] }
  options[:realm] = r['realm'] if r['realm']
  consumer = OAuth::Consumer.new(r['consumer_key'], r['consumer_secret'], options)
  token = OAuth::AccessToken.new(consumer, r['token'], r['token_secret'])
  if r['method'] == 'GET'
    token.get(r['path'])
  elsif r['json']
    token.post(r['path'], r['json'], { 'Content-Type' => 'application/json' })
  else
    token.post(r['path'], r['form'].to_h)
  end
end

def send_with_simple_oauth(base, r)
  uri = URI(base + r['path'])
  form = r['form'].to_h
  credentials = { consumer_key: r['consumer_key'], consumer_secret: r['consumer_secret'], token: r['token'],
                  token_secret: r['token_secret'], signature_method: r['signature_method'] }
  request = r['method'] == 'GET' ? Net::HTTP::Get.new(uri) : Net::HTTP::Post.new(uri)
  request['Authorization'] = SimpleOAuth::Header.new(r['method'].downcase, uri.to_s, form, credentials).to_s
  if r['json']
    request.body = r['json']
    request['Content-Type'] = 'application/json'
  elsif r['form']
    request.set_form_data(form)
  end
  Net::HTTP.start(uri.host, uri.port) { |http| http.request(request) }
end

input = JSON.parse($stdin.read)
answers = input['requests'].map do |r|
  response = r['library'] == 'simple_oauth' ? send_with_simple_oauth(input['base'], r) : send_with_oauth(input['base'], r)
  { status: response.code.to_i, body: response.body.to_s.force_encoding('UTF-8') }
rescue StandardError, ScriptError => e # one request's failure, reported as its answer
  { status: 0, body: "#{e.class}: #{e.message}" }
end
$stdout.write(JSON.generate(answers))
