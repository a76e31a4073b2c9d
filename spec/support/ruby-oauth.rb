# Sends requests with Ruby's oauth gem (Debian's ruby-oauth), as its users send them, for spec/interop-ruby.spec.ts.
#
# Reads {"base": "http://127.0.0.1:port", "requests": [...]} as JSON on stdin and writes one {"status", "body"} per
# request as a JSON list on stdout, in the same order (status 0 and the error's text when the gem failed). A request: {"method": "GET" | "POST", "path", "scheme":
# "header" | "query_string" | "body", "signature_method", "consumer_key", "consumer_secret" (for RSA-SHA1 the
# client's private key in PEM, as the gem takes it), "token", "token_secret", "realm", "form" (pairs of a form body),
# "json" (the text of a JSON body)}; absent or null fields are left out.
#
# OAuth::AccessToken is what the gem's users (the LTI tools and consumers built on ims-lti among them) sign and send
# with: it signs the request it makes with Net::HTTP, adds oauth_body_hash to a body that is not a form, and sends it.
require 'json'
require 'oauth'
require 'oauth/signature/plaintext' # not loaded by 'oauth' itself

input = JSON.parse($stdin.read)
answers = input['requests'].map do |r|
  options = { site: input['base'], scheme: r['scheme'].to_sym, signature_method: r['signature_method'] }
  options[:realm] = r['realm'] if r['realm']
  consumer = OAuth::Consumer.new(r['consumer_key'], r['consumer_secret'], options)
  token = OAuth::AccessToken.new(consumer, r['token'], r['token_secret'])
  begin
    response =
      if r['method'] == 'GET'
        token.get(r['path'])
      elsif r['json']
        token.post(r['path'], r['json'], { 'Content-Type' => 'application/json' })
      else
        token.post(r['path'], r['form'].to_h)
      end
    { status: response.code.to_i, body: response.body.to_s.force_encoding('UTF-8') }
  rescue StandardError, ScriptError => e # one request's failure, reported as its answer
    { status: 0, body: "#{e.class}: #{e.message}" }
  end
end
$stdout.write(JSON.generate(answers))
