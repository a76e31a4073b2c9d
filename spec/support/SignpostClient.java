// Sends requests with Java's Signpost (oauth-signpost 1.2, Debian's liboauth-signpost-java) over Apache HttpClient 4, as
// its users send them, for spec/interop-java.spec.ts. Run as a single source file: java -cp <jars> SignpostClient.java
//
// Reads one request a line on stdin, its fields separated by tabs: method (GET or POST), url, placement (header or
// query), signature method, consumer key, consumer secret, token, token secret, content type (form or json, or - for
// none) and the body (a form's name=value pairs, each percent-encoded, or JSON text). Writes one {"status", "body"} per
// request as a JSON list on stdout, in the same order (status 0 and the error's text when Signpost failed).
//
// A form is sent as Java applications send one: its pairs decoded and given to HttpClient's UrlEncodedFormEntity, which
// encodes them as java.net.URLEncoder does (a space as "+", "*" as itself, "~" as %7E) and declares UTF-8.
//
// CommonsHttpOAuthConsumer signs an HttpClient request in the Authorization header (reading a form body's parameters
// itself); for the query, Signpost's sign(String url) writes the protocol parameters into a GET's URL.

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import oauth.signpost.OAuthConsumer;
import oauth.signpost.commonshttp.CommonsHttpOAuthConsumer;
import oauth.signpost.signature.HmacSha1MessageSigner;
import oauth.signpost.signature.PlainTextMessageSigner;
import org.apache.http.HttpResponse;
import org.apache.http.NameValuePair;
import org.apache.http.client.entity.UrlEncodedFormEntity;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.message.BasicNameValuePair;
import org.apache.http.util.EntityUtils;

public class SignpostClient {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    List<String> answers = new ArrayList<>();
    try (CloseableHttpClient http = HttpClients.createDefault()) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!line.isEmpty()) answers.add(send(http, line.split("\t", -1)));
      }
    }
    System.out.print("[" + String.join(",", answers) + "]");
  }

  private static String send(CloseableHttpClient http, String[] f) {
    try {
      OAuthConsumer consumer = new CommonsHttpOAuthConsumer(f[4], f[5]);
      consumer.setMessageSigner(f[3].equals("PLAINTEXT") ? new PlainTextMessageSigner() : new HmacSha1MessageSigner());
      consumer.setTokenWithSecret(f[6], f[7]);
      HttpUriRequest request;
      if (f[0].equals("GET")) {
        request = new HttpGet(f[2].equals("query") ? consumer.sign(f[1]) : f[1]);
      } else {
        HttpPost post = new HttpPost(f[1]);
        if (f[8].equals("json")) {
          post.setEntity(new StringEntity(f[9], ContentType.APPLICATION_JSON));
        } else {
          List<NameValuePair> pairs = new ArrayList<>();
          for (String pair : f[9].split("&")) {
            String[] nameValue = pair.split("=", 2);
            pairs.add(new BasicNameValuePair(decode(nameValue[0]), decode(nameValue[1])));
          }
          post.setEntity(new UrlEncodedFormEntity(pairs, StandardCharsets.UTF_8));
        }
        request = post;
      }
      if (!(f[0].equals("GET") && f[2].equals("query"))) consumer.sign(request);
      HttpResponse response = http.execute(request);
      String body = EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
      return answer(response.getStatusLine().getStatusCode(), body);
    } catch (Exception e) {
      return answer(0, e.getClass().getName() + ": " + e.getMessage());
    }
  }

  private static String decode(String encoded) {
    return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
  }

  private static String answer(int status, String body) {
    StringBuilder json = new StringBuilder("{\"status\":" + status + ",\"body\":\"");
    for (char c : body.toCharArray()) {
      if (c == '"' || c == '\\') json.append('\\').append(c);
      else if (c < 0x20) json.append(String.format("\\u%04x", (int) c));
      else json.append(c);
    }
    return json.append("\"}").toString();
  }
}
