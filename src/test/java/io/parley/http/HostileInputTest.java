package io.parley.http;

import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A few hundred generated hostile requests: every create field of the spec with values of every wrong type,
 * broken JSON, invalid UTF-8, deep nesting, huge strings and arrays, odd query strings and broken HTTP
 * framing. None may get a 5xx or hang, every 4xx is in the OpenAI shape, and the server answers after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {

  /** The request fields of {@code CreateResponse} in OpenAI's OpenAPI document (../shared/spec). */
  private static final List<String> CREATE_FIELDS = List.of("background", "context_management", "conversation",
      "include", "input", "instructions", "max_output_tokens", "max_tool_calls", "metadata", "model", "moderation",
      "parallel_tool_calls", "previous_response_id", "prompt", "prompt_cache_key", "prompt_cache_options",
      "prompt_cache_retention", "reasoning", "safety_identifier", "service_tier", "store", "stream",
      "stream_options", "temperature", "text", "tool_choice", "tools", "top_logprobs", "top_p", "truncation", "user");

  private Vertx providerVertx;
  private RecordingUpstream provider;
  private Gateway gateway;
  private final List<String> failures = new ArrayList<>();
  private int sent;

  @BeforeAll
  void start() {
    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
    gateway = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(), "PARLEY_MAX_BODY_BYTES", "2000000"));
  }

  @AfterAll
  void stop() {
    gateway.close();
    provider.close();
    providerVertx.close().await();
  }

  private static List<Object> wrongValues() {
    List<Object> values = new ArrayList<>();
    values.add(null);
    values.add(0);
    values.add(-1);
    values.add(1e308);
    values.add(Long.MAX_VALUE);
    values.add(true);
    values.add("");
    values.add("x".repeat(100_000));
    values.add("\u0000\ud83d\ude00");
    values.add(new JsonArray());
    values.add(new JsonArray().add((Object) null));
    values.add(new JsonArray().add(new JsonObject().putNull("type")));
    values.add(new JsonObject());
    values.add(new JsonObject().putNull("type").putNull("id").putNull("name"));
    values.add(new JsonObject().put("type", 7).put("content", new JsonArray().add(1)));
    return values;
  }

  @Test
  void everyCreateFieldWithEveryWrongTypeIsA4xxOrWorks() {
    for (String field : CREATE_FIELDS) {
      for (Object value : wrongValues()) {
        for (boolean stream : new boolean[] {false, true}) {
          JsonObject body = new JsonObject().put("model", "m").put("input", "hi").put("stream", stream).put(field, value);
          check("POST /v1/responses " + field + "=" + describe(value) + " stream=" + stream,
              gateway.post("/v1/responses", body));
        }
      }
    }
    assertNoFailures();
  }

  @Test
  void everyFieldNullAtOnceIsHandled() {
    JsonObject allNull = new JsonObject();
    CREATE_FIELDS.forEach(allNull::putNull);
    check("all null", gateway.post("/v1/responses", allNull));
    JsonObject nullButModel = allNull.copy().put("model", "m").put("input", "hi");
    Reply reply = gateway.post("/v1/responses", nullButModel);
    check("all null but model and input", reply);
    assertThat(reply.status()).as("explicit nulls mean absent fields").isEqualTo(200);
    assertNoFailures();
  }

  @Test
  void brokenBodiesAreA400() {
    Random random = new Random(42);
    List<byte[]> bodies = new ArrayList<>();
    for (String text : List.of("", "{", "}", "[]", "null", "1", "\"s\"", "{\"model\":", "{\"model\":\"m\",}",
        "{'model':'m'}", "{\"model\":\"m\",\"input\":\"hi\"}garbage", "\ufeff{}", "{\"a\":1e999999}",
        "[".repeat(50_000) + "]".repeat(50_000), "{\"input\":" + "[".repeat(5_000) + "]".repeat(5_000) + ",\"model\":\"m\"}",
        "{\"model\":\"m\",\"input\":[" + "{},".repeat(100_000) + "{}]}")) {
      bodies.add(text.getBytes(StandardCharsets.UTF_8));
    }
    bodies.add(new byte[] {'{', '"', 'm', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'});
    bodies.add(new byte[] {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'});
    for (int i = 0; i < 40; i++) {
      byte[] junk = new byte[1 + random.nextInt(300)];
      random.nextBytes(junk);
      bodies.add(junk);
    }
    for (String path : List.of("/v1/responses", "/v1/conversations", "/v1/responses/input_tokens",
        "/v1/responses/compact", "/v1/conversations/conv_x/items")) {
      for (byte[] body : bodies) {
        check("POST " + path + " broken body", postBytes(path, body));
      }
    }
    assertNoFailures();
  }

  @Test
  void oddQueryStringsAndPathsAreA4xxInTheOpenAiShape() {
    List<String> paths = new ArrayList<>();
    for (String query : List.of("a=%", "a=%zz", "a=%E2%82", "a=%E2%8", "limit=-1", "limit=abc", "limit=99999999999",
        "order=sideways", "after=", "after=%00", "include=nonsense", "include[]=x", "stream=maybe",
        "starting_after=abc", "&&&", "=", "a=" + "b".repeat(3_000))) {
      for (String path : List.of("/v1/responses/resp_x", "/v1/responses/resp_x/input_items", "/v1/conversations/conv_x/items",
          "/v1/conversations/conv_x", "/v1/responses")) {
        paths.add(path + "?" + query);
      }
    }
    paths.addAll(List.of("/v1/responses/%", "/v1/responses/%zz", "/v1/responses/..%2F..%2Fetc", "/v1/responses/" + "r".repeat(5_000),
        "/v1/responses/resp_%00", "/v1/%2e%2e/responses", "//v1//responses"));
    for (String path : paths) {
      String raw = "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
      check("GET " + abbreviate(path), raw(raw));
    }
    assertNoFailures();
  }

  @Test
  void brokenHttpIsA4xxOrAClosedConnectionNeverA5xxOrAHang() {
    List<String> requests = List.of(
        "POST /v1/responses HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
        "GET /healthz HTTP/1.0\r\n\r\n",
        "POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nConnection: close\r\n\r\n{}",
        "POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\nConnection: close\r\n\r\n{}",
        "POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}",
        "POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{}",
        "POST /v1/responses HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        "POST /v1/responses HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        "POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
        "BREW /v1/responses HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /v1/responses/resp_x\r\n\r\n",
        "GET  HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1/responses/resp_x HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\nConnection: close\r\n\r\n",
        "GET /v1/responses/resp_x HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(20_000) + "\r\nConnection: close\r\n\r\n",
        "GET /" + "p".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /v1/responses/resp_x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer\r\nConnection: close\r\n\r\n",
        "GET /v1/responses/resp_x HTTP/1.1\r\nHost: x\r\nContent-Type: \u0001\u0002\r\nConnection: close\r\n\r\n",
        "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003",
        "\r\n\r\n\r\n");
    for (String request : requests) {
      check("raw " + abbreviate(request.replace("\r\n", "\\r\\n")), raw(request));
    }
    assertNoFailures();
  }

  /**
   * The one 5xx no Parley code can change: Vert.x answers an HTTP version it does not speak with a bare 501
   * before any handler runs (RFC 9110 has 505 for it). The connection is closed and the server carries on.
   */
  @Test
  void anUnknownHttpVersionIsVertxsOwn501() {
    Reply reply = raw("GET /v1/responses/resp_x HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(reply == null ? 0 : reply.status()).isIn(0, 400, 501, 505);
  }

  @Test
  void nullsFromTheProviderAreNotA500() {
    provider.behave((body, response) -> response.putHeader("content-type", "application/json").end(new JsonObject()
        .put("id", "c1").put("object", "chat.completion").put("model", "m")
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "stop")
            .put("message", new JsonObject().put("role", "assistant").put("content", "ok"))))
        .put("usage", new JsonObject().put("prompt_tokens", 3).putNull("completion_tokens").putNull("total_tokens")
            .putNull("prompt_tokens_details").putNull("completion_tokens_details")).encode()));
    try {
      Reply reply = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "hi"));
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.json().getJsonObject("usage").getLong("input_tokens")).isEqualTo(3);
    } finally {
      provider.reset();
    }
  }

  @org.junit.jupiter.api.BeforeEach
  void clear() {
    failures.clear();
    sent = 0;
  }

  /** The server is alive after every hostile test (JUnit runs this class's tests in one instance). */
  @org.junit.jupiter.api.AfterEach
  void stillAlive() {
    assertThat(gateway.get("/healthz").status()).isEqualTo(200);
    Reply reply = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "hi"));
    assertThat(reply.status()).isEqualTo(200);
  }

  private void check(String what, Reply reply) {
    sent++;
    if (reply == null) {
      return;
    }
    if (reply.status() >= 500) {
      failures.add(what + " -> " + reply.status() + " " + abbreviate(reply.body()));
    } else if (reply.status() >= 400 && !reply.body().isEmpty() && !isOpenAiError(reply.body())) {
      failures.add(what + " -> " + reply.status() + " not in the OpenAI error shape: " + abbreviate(reply.body()));
    }
  }

  private void assertNoFailures() {
    assertThat(sent).isGreaterThan(0);
    assertThat(failures).as("hostile requests answered badly, of " + sent).isEmpty();
  }

  private static boolean isOpenAiError(String body) {
    try {
      JsonObject error = new JsonObject(body).getJsonObject("error");
      return error != null && error.getString("message") != null && error.containsKey("type")
          && error.containsKey("param") && error.containsKey("code");
    } catch (RuntimeException e) {
      return false;
    }
  }

  private Reply postBytes(String path, byte[] body) {
    try {
      HttpResponse<String> response = gateway.http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
              + gateway.port() + path)).header("content-type", "application/json").timeout(Duration.ofSeconds(20))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body(), "", null);
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("no answer (hang or crash) for POST " + path + ": " + e, e);
    }
  }

  /**
   * Sends raw bytes and reads until the server closes; a closed connection without an answer is fine for
   * bytes that are not HTTP, a hang is not.
   */
  private Reply raw(String request) {
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      in.transferTo(answer);
      String text = answer.toString(StandardCharsets.ISO_8859_1);
      if (text.isEmpty()) {
        return null;
      }
      int status = Integer.parseInt(text.substring(9, 12));
      int bodyAt = text.indexOf("\r\n\r\n");
      return new Reply(status, bodyAt < 0 ? "" : text.substring(bodyAt + 4), "", null);
    } catch (java.net.SocketTimeoutException e) {
      throw new AssertionError("the server hung on: " + abbreviate(request), e);
    } catch (IOException e) {
      return null;
    }
  }

  private static String describe(Object value) {
    return value == null ? "null" : abbreviate(String.valueOf(value));
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
