package io.parley.http;

import io.parley.testing.Chunks;
import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RecordingUpstream;
import io.parley.testing.Sse;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.ServerSocket;
import java.util.Map;

import static io.parley.http.ResponsesApiHarness.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** Provider failures reach the client in the OpenAI error shape with the right status, and nothing half-done is stored. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamFailureTest {

  private Vertx providerVertx;
  private RecordingUpstream provider;
  private Gateway gateway;
  private final JsonObject request = new JsonObject().put("model", "m").put("input", "hi");

  @BeforeAll
  void start() {
    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
    gateway = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(),
        "PARLEY_UPSTREAM_IDLE_TIMEOUT", "1s", "PARLEY_UPSTREAM_API_KEY", "sk-provider-secret"));
  }

  @AfterAll
  void stop() {
    gateway.close();
    provider.close();
    providerVertx.close().await();
  }

  @BeforeEach
  void reset() {
    provider.reset();
  }

  @Test
  void theProviderKeyIsSentToTheProviderOnly() {
    Reply reply = gateway.post("/v1/responses", request);
    assertThat(provider.requests().get(0).headers().get("authorization")).isEqualTo("Bearer sk-provider-secret");
    assertThat(reply.body()).doesNotContain("sk-provider-secret");
  }

  @Test
  void aProvider4xxKeepsItsStatusAndMessage() {
    provider.replyStatus(400, new JsonObject().put("error", new JsonObject().put("message", "This model's maximum context length is 8 tokens")
        .put("type", "invalid_request_error").put("param", "messages").put("code", "context_length_exceeded")).encode());
    assertError(gateway.post("/v1/responses", request), 400, "messages", "context_length_exceeded");
    assertThat(gateway.post("/v1/responses", request).error().getString("message")).contains("maximum context length");

    provider.replyStatus(429, "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}");
    Reply limited = gateway.post("/v1/responses", request);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.error().getString("message")).isEqualTo("slow down");

    provider.replyStatus(404, "{\"object\":\"error\",\"message\":\"The model `m` does not exist.\",\"type\":\"NotFoundError\",\"code\":404}");
    Reply vllmStyle = gateway.post("/v1/responses", request);
    assertThat(vllmStyle.status()).isEqualTo(404);
    assertThat(vllmStyle.error().getString("message")).isEqualTo("The model `m` does not exist.");
  }

  @Test
  void provider5xxIsA502() {
    provider.replyStatus(500, "{\"error\":{\"message\":\"boom\"}}");
    assertError(gateway.post("/v1/responses", request), 502, null, "upstream_error");
    provider.replyStatus(503, "<html>unavailable</html>");
    assertError(gateway.post("/v1/responses", request), 502, null, "upstream_error");
    assertError(gateway.post("/v1/responses", request.copy().put("stream", true)), 502, null, "upstream_error");
  }

  @Test
  void aSilentProviderTimesOutAsA502() {
    provider.behave((body, response) -> { });
    long start = System.currentTimeMillis();
    assertError(gateway.post("/v1/responses", request), 502, null, "upstream_error");
    assertThat(System.currentTimeMillis() - start).isLessThan(10_000);
  }

  @Test
  void anUnreachableProviderIsA502() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (Gateway orphan = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", "http://127.0.0.1:" + closedPort + "/v1"))) {
      assertError(orphan.post("/v1/responses", request), 502, null, "upstream_error");
      assertError(orphan.post("/v1/responses", request.copy().put("stream", true)), 502, null, "upstream_error");
    }
  }

  @Test
  void aGarbledCompletionIsA502() {
    provider.replyStatus(200, "{\"no\":\"choices\"}");
    assertError(gateway.post("/v1/responses", request), 502, null, "upstream_error");
    provider.replyStatus(200, "not json");
    assertError(gateway.post("/v1/responses", request), 502, null, "upstream_error");
  }

  @Test
  void aStreamThatBreaksMidwayEndsWithResponseFailedAndIsNotStored() {
    provider.behave((body, response) -> {
      Chunks.sse(response);
      Chunks.write(response, Chunks.delta("partial "));
      Chunks.write(response, Chunks.delta("answer"));
      providerVertx.setTimer(50, id -> response.reset());
    });
    Sse.Stream stream = Sse.post(gateway, request.copy().put("stream", true));
    assertThat(stream.status()).isEqualTo(200);
    assertThat(stream.types()).startsWith("response.created", "response.in_progress").endsWith("response.failed");
    assertThat(stream.done()).isTrue();
    JsonObject failed = stream.last().data().getJsonObject("response");
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("server_error");
    assertThat(failed.getJsonObject("error").getString("message")).contains("upstream provider");
    assertError(gateway.get("/v1/responses/" + failed.getString("id")), 404, null, "not_found");
  }

  @Test
  void aStreamThatGoesSilentTimesOut() {
    provider.behave((body, response) -> {
      Chunks.sse(response);
      Chunks.write(response, Chunks.delta("then nothing"));
    });
    Sse.Stream stream = Sse.post(gateway, request.copy().put("stream", true));
    assertThat(stream.types()).endsWith("response.failed");
  }

  /** Answers {@code status} with {@code headers} for the first {@code times} requests, then as usual. */
  private void busyFor(int times, int status, Map<String, String> headers) {
    java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(times);
    provider.behave((body, response) -> {
      if (left.getAndDecrement() > 0) {
        headers.forEach(response::putHeader);
        response.setStatusCode(status).putHeader("content-type", "application/json")
            .end("{\"error\":{\"message\":\"busy\",\"type\":\"rate_limit_error\"}}");
      } else {
        RecordingUpstream.text("after the wait", body, response);
      }
    });
  }

  @Test
  void aProvider429WithRetryAfterWithinTheBudgetIsRetriedAfterTheWait() {
    busyFor(1, 429, Map.of("retry-after-ms", "300"));
    long start = System.nanoTime();
    Reply reply = gateway.post("/v1/responses", request);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(provider.requests()).hasSize(2);
    assertThat(millis).as("waited what the provider asked, plus at most a fifth").isBetween(300L, 1500L);

    provider.reset();
    busyFor(1, 503, Map.of("retry-after", "1"));
    Sse.Stream stream = Sse.post(gateway, request.copy().put("stream", true));
    assertThat(stream.status()).isEqualTo(200);
    assertThat(stream.types()).endsWith("response.completed");
    assertThat(provider.requests()).hasSize(2);
  }

  @Test
  void aProvider429WithALongerRetryAfterPassesThroughWithIt() {
    busyFor(5, 429, Map.of("retry-after", "3"));
    long start = System.nanoTime();
    Reply reply = gateway.post("/v1/responses", request);
    assertThat(reply.status()).isEqualTo(429);
    assertThat(reply.header("retry-after")).isEqualTo("3");
    assertThat(reply.error().getString("message")).isEqualTo("busy");
    assertThat((System.nanoTime() - start) / 1_000_000).as("no waiting beyond the budget").isLessThan(1000);
    assertThat(provider.requests()).hasSize(1);

    provider.reset();
    busyFor(5, 503, Map.of("retry-after", "60"));
    Reply busy = gateway.post("/v1/responses", request.copy().put("stream", true));
    assertError(busy, 503, null, "upstream_unavailable");
    assertThat(busy.header("retry-after")).isEqualTo("60");
  }

  @Test
  void withNoRetryBudgetA429PassesThroughAtOnce() {
    try (Gateway noRetry = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(),
        "PARLEY_UPSTREAM_RETRY_BUDGET", "0"))) {
      busyFor(1, 429, Map.of("retry-after-ms", "200"));
      Reply reply = noRetry.post("/v1/responses", request);
      assertThat(reply.status()).isEqualTo(429);
      assertThat(reply.header("retry-after")).isEqualTo("1");
      assertThat(provider.requests()).hasSize(1);
    }
  }

  @Test
  void aProviderThatResetsTheConnectionIsA502() {
    provider.behave((body, response) -> response.reset());
    assertError(gateway.post("/v1/responses", request), 502, null, "upstream_error");
    assertError(gateway.post("/v1/responses", request.copy().put("stream", true)), 502, null, "upstream_error");
  }

  @Test
  void aMalformedStreamEndsWithResponseFailedNamingTheProblemAndIsNotStored() {
    provider.behave((body, response) -> {
      Chunks.sse(response);
      Chunks.write(response, Chunks.delta("fine "));
      response.write("data: {\"choices\": [oops\n\n");
    });
    Sse.Stream stream = Sse.post(gateway, request.copy().put("stream", true));
    assertThat(stream.types()).endsWith("response.failed");
    JsonObject failed = stream.last().data().getJsonObject("response");
    assertThat(failed.getJsonObject("error").getString("message")).contains("not a JSON object");
    assertError(gateway.get("/v1/responses/" + failed.getString("id")), 404, null, "not_found");
  }
}
