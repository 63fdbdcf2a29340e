package io.parley.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RecordingUpstream;
import io.parley.testing.Sse;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.parley.ops.LifecycleTest.poll;
import static org.assertj.core.api.Assertions.assertThat;

/** Request ids, trace context to the provider, one JSON access line per request without secrets, and /metrics. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityTest {

  private static final String CLIENT_KEY = "sk-client-7f3a9c-do-not-log";
  private static final String PROVIDER_KEY = "sk-provider-51b2e8-do-not-log";
  private static final String SECRET_INPUT = "zebra-unicorn-4471 my card is 4111-1111";
  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private Vertx providerVertx;
  private RecordingUpstream provider;
  private Gateway gateway;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private OutputStreamAppender<ILoggingEvent> appender;

  @BeforeAll
  void start() {
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(logging);
    encoder.start();
    appender = new OutputStreamAppender<>();
    appender.setContext(logging);
    appender.setEncoder(encoder);
    appender.setOutputStream(captured);
    appender.start();
    logging.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    // Everything Parley could ever log, probes included, goes through the capture.
    logging.getLogger("io.parley").setLevel(Level.TRACE);
    logging.getLogger("parley").setLevel(Level.TRACE);

    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
    gateway = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(), "PARLEY_UPSTREAM_API_KEY", PROVIDER_KEY));
  }

  @AfterAll
  void stop() {
    gateway.close();
    provider.close();
    providerVertx.close().await();
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    logging.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    logging.getLogger("io.parley").setLevel(null);
    logging.getLogger("parley").setLevel(null);
  }

  @BeforeEach
  void reset() {
    provider.reset();
  }

  @Test
  void theRequestIdIsAcceptedOrGeneratedAndEchoed() {
    JsonObject body = new JsonObject().put("model", "m").put("input", "hi");
    Reply given = gateway.post("/v1/responses", body, Map.of("x-request-id", "client-req-42"));
    assertThat(given.requestId()).isEqualTo("client-req-42");
    assertThat(provider.requests().get(0).headers().get("x-request-id")).isEqualTo("client-req-42");

    Reply generated = gateway.post("/v1/responses", body);
    assertThat(generated.requestId()).matches("req_[0-9a-f]{32}");
    Reply hostile = gateway.post("/v1/responses", body, Map.of("x-request-id", "a\"b{c}" + "x".repeat(300)));
    assertThat(hostile.requestId()).matches("req_[0-9a-f]{32}");
    assertThat(gateway.get("/v1/responses/resp_nope").requestId()).matches("req_[0-9a-f]{32}");
  }

  @Test
  void traceContextIsForwardedToTheProviderAndNothingElseOfTheClients() {
    Reply reply = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "hi"),
        Map.of("traceparent", TRACEPARENT, "tracestate", "vendor=abc", "authorization", "Bearer " + CLIENT_KEY));
    assertThat(reply.status()).isEqualTo(200);
    var headers = provider.requests().get(0).headers();
    assertThat(headers.get("traceparent")).isEqualTo(TRACEPARENT);
    assertThat(headers.get("tracestate")).isEqualTo("vendor=abc");
    assertThat(headers.get("authorization")).isEqualTo("Bearer " + PROVIDER_KEY);

    provider.reset();
    Sse.Stream stream = Sse.post(gateway, new JsonObject().put("model", "m").put("input", "hi").put("stream", true));
    assertThat(stream.done()).isTrue();
    assertThat(provider.requests().get(0).headers().get("traceparent")).isNull();

    provider.reset();
    gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "hi"),
        Map.of("traceparent", "00-not-a-trace", "tracestate", "vendor=abc"));
    assertThat(provider.requests().get(0).headers().get("traceparent")).as("malformed ones are dropped").isNull();
    assertThat(provider.requests().get(0).headers().get("tracestate")).isNull();
  }

  @Test
  void oneJsonAccessLinePerRequestWithoutBodiesOrKeys() throws Exception {
    Map<String, String> headers = Map.of("authorization", "Bearer " + CLIENT_KEY, "traceparent", TRACEPARENT,
        "x-request-id", "log-test-1");
    Reply created = gateway.post("/v1/responses", new JsonObject().put("model", "gpt-test").put("input", SECRET_INPUT),
        headers);
    assertThat(created.status()).isEqualTo(200);
    String id = created.json().getString("id");
    Sse.Stream stream = Sse.post(gateway, new JsonObject().put("model", "gpt-test").put("input", SECRET_INPUT)
        .put("stream", true).put("previous_response_id", id));
    assertThat(stream.done()).isTrue();
    Reply invalid = gateway.post("/v1/responses", new JsonObject().put("model", "gpt-test").put("input", SECRET_INPUT)
        .put("temperature", SECRET_INPUT), headers);
    assertThat(invalid.status()).isEqualTo(400);
    provider.replyStatus(500, "{\"error\":{\"message\":\"provider echoes " + SECRET_INPUT + "\"}}");
    assertThat(gateway.post("/v1/responses", new JsonObject().put("model", "gpt-test").put("input", SECRET_INPUT),
        headers).status()).isEqualTo(502);
    gateway.get("/v1/responses/" + id);
    gateway.get("/readyz");

    JsonObject line = poll(() -> accessLine(l -> "log-test-1".equals(l.getString("request_id"))
        && Integer.valueOf(200).equals(l.getInteger("status"))), Optional::isPresent).orElseThrow();
    assertThat(line.getString("level")).isEqualTo("INFO");
    assertThat(line.getString("method")).isEqualTo("POST");
    assertThat(line.getString("route")).isEqualTo("/v1/responses");
    assertThat(line.getString("response_id")).isEqualTo(id);
    assertThat(line.getString("model")).isEqualTo("gpt-test");
    assertThat(line.getInteger("input_tokens")).isEqualTo(11);
    assertThat(line.getInteger("output_tokens")).isEqualTo(7);
    assertThat(line.getString("trace_id")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(line.getLong("duration_ms")).isNotNull().isGreaterThanOrEqualTo(0);

    String streamedId = stream.last().data().getJsonObject("response").getString("id");
    JsonObject streamed = poll(() -> accessLine(l -> streamedId.equals(l.getString("response_id"))
        && "/v1/responses".equals(l.getString("route"))), Optional::isPresent).orElseThrow();
    assertThat(streamed.getBoolean("stream")).isTrue();
    assertThat(streamed.getInteger("output_tokens")).isEqualTo(7);
    poll(() -> accessLine(l -> "/v1/responses/:id".equals(l.getString("route"))), Optional::isPresent);
    poll(() -> accessLine(l -> Integer.valueOf(502).equals(l.getInteger("status"))), Optional::isPresent);
    poll(() -> accessLine(l -> Integer.valueOf(400).equals(l.getInteger("status"))), Optional::isPresent);

    String everything = captured();
    assertThat(everything).doesNotContain(CLIENT_KEY).doesNotContain(PROVIDER_KEY)
        .doesNotContain("zebra-unicorn").doesNotContain("4111-1111");
  }

  @Test
  void metricsExposeTheNamedSeriesAfterTraffic() throws Exception {
    JsonObject request = new JsonObject().put("model", "m").put("input", "hi");
    String id = gateway.post("/v1/responses", request).json().getString("id");
    Sse.Stream stream = Sse.post(gateway, request.copy().put("stream", true).put("previous_response_id", id));
    assertThat(stream.done()).isTrue();
    assertThat(gateway.get("/v1/responses/" + id).status()).isEqualTo(200);
    assertThat(gateway.get("/v1/responses/resp_0123456789abcdef0123456789abcdef0123456789abcdef").status())
        .isEqualTo(404);
    provider.replyStatus(503, "down");
    assertThat(gateway.post("/v1/responses", request).status()).isEqualTo(502);

    Reply scrape = poll(() -> gateway.get("/metrics"),
        r -> value(r.body(), "parley_http_requests_total", "route=\"/v1/responses\"", "status=\"502\"") >= 1);
    String metrics = scrape.body();
    assertThat(scrape.status()).isEqualTo(200);
    assertThat(scrape.contentType()).startsWith("text/plain");

    assertThat(value(metrics, "parley_http_requests_total", "route=\"/v1/responses\"", "method=\"POST\"",
        "status=\"200\"")).isGreaterThanOrEqualTo(2);
    assertThat(value(metrics, "parley_http_requests_total", "route=\"/v1/responses/:id\"", "status=\"404\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(metrics).as("no raw ids in labels").doesNotContain("resp_");
    assertThat(value(metrics, "parley_http_request_duration_seconds_count", "route=\"/v1/responses\""))
        .isGreaterThanOrEqualTo(3);
    assertThat(metrics).contains("parley_http_request_duration_seconds_bucket{");
    assertThat(value(metrics, "parley_upstream_request_duration_seconds_count", "outcome=\"ok\""))
        .isGreaterThanOrEqualTo(2);
    assertThat(value(metrics, "parley_upstream_request_duration_seconds_count", "outcome=\"error\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(value(metrics, "parley_upstream_errors_total", "kind=\"http_5xx\"")).isGreaterThanOrEqualTo(1);
    assertThat(value(metrics, "parley_stream_time_to_first_token_seconds_count")).isGreaterThanOrEqualTo(1);
    double ttftSum = value(metrics, "parley_stream_time_to_first_token_seconds_sum");
    assertThat(ttftSum).isPositive().isLessThan(30);
    assertThat(value(metrics, "parley_active_streams")).isEqualTo(0);
    assertThat(value(metrics, "parley_store_operation_duration_seconds_count", "backend=\"memory\"", "op=\"put\"",
        "outcome=\"ok\"")).isGreaterThanOrEqualTo(2);
    // The continuation came from the context cache: its chain was validated, not loaded.
    assertThat(value(metrics, "parley_store_operation_duration_seconds_count", "op=\"touch_chain\"",
        "outcome=\"ok\"")).isGreaterThanOrEqualTo(1);
    assertThat(value(metrics, "parley_context_cache_lookups_total", "result=\"hit\"")).isGreaterThanOrEqualTo(1);
    assertThat(value(metrics, "parley_store_operation_duration_seconds_count", "op=\"get\"", "outcome=\"miss\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(metrics).contains("jvm_memory_used_bytes");
  }

  @Test
  void aRequestIsLabelledWithTheFirstTemplateItMatches() throws Exception {
    // /v1/responses/input_tokens also matches /v1/responses/:id, which must not take its label.
    Reply counted = gateway.post("/v1/responses/input_tokens", new JsonObject().put("model", "gpt-test")
        .put("input", "hello"), Map.of("x-request-id", "label-1"));
    assertThat(counted.status()).isEqualTo(200);
    JsonObject line = poll(() -> accessLine(l -> "label-1".equals(l.getString("request_id"))), Optional::isPresent)
        .orElseThrow();
    assertThat(line.getString("route")).isEqualTo("/v1/responses/input_tokens");
    assertThat(value(gateway.get("/metrics").body(), "parley_http_requests_total",
        "route=\"/v1/responses/input_tokens\"")).isEqualTo(1);
  }

  @Test
  void aClientThatLeavesBeforeItsAnswerIsLoggedAsClosedNotAsAnError() throws Exception {
    // The provider answers after the client has gone: writing that answer then fails on a closed connection.
    provider.behave((body, response) -> providerVertx.setTimer(400, t -> RecordingUpstream.text("late", body, response)));
    byte[] request = new JsonObject().put("model", "gpt-test").put("input", "hello").encode()
        .getBytes(StandardCharsets.UTF_8);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
      socket.getOutputStream().write(("POST /v1/responses HTTP/1.1\r\nHost: localhost\r\nx-request-id: leaver-1\r\n"
          + "content-type: application/json\r\ncontent-length: " + request.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      poll(() -> provider.requests().size(), n -> n == 1);
    }

    JsonObject line = poll(() -> accessLine(l -> "leaver-1".equals(l.getString("request_id"))), Optional::isPresent)
        .orElseThrow();
    assertThat(line.getBoolean("client_closed")).isTrue();
    Thread.sleep(600); // the provider's late answer has arrived and been written to nobody
    assertThat(captured().lines().filter(l -> l.contains("\"level\":\"ERROR\"") && l.contains("leaver-1")).toList())
        .isEmpty();
  }

  /** The sum of a series' samples whose labels contain all the given {@code name="value"} pairs. */
  static double value(String metrics, String series, String... labels) {
    double sum = 0;
    boolean found = false;
    Pattern sample = Pattern.compile("^" + Pattern.quote(series) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);
    Matcher m = sample.matcher(metrics);
    while (m.find()) {
      String labelSet = m.group(1) == null ? "" : m.group(1);
      if (Arrays.stream(labels).allMatch(labelSet::contains)) {
        sum += Double.parseDouble(m.group(2));
        found = true;
      }
    }
    return found ? sum : -1;
  }

  private String captured() {
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8);
    }
  }

  private Optional<JsonObject> accessLine(java.util.function.Predicate<JsonObject> which) {
    List<JsonObject> lines = captured().lines().filter(l -> l.startsWith("{")).map(JsonObject::new)
        .filter(l -> "parley.access".equals(l.getString("logger_name"))).toList();
    return lines.stream().filter(which).findFirst();
  }
}
