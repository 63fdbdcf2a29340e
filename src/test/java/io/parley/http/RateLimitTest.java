package io.parley.http;

import io.parley.auth.ApiKeys;
import io.parley.testing.Chunks;
import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RecordingUpstream;
import io.parley.testing.RedisSupport;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static io.parley.http.ResponsesApiHarness.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** Per-tenant requests and tokens per minute, with OpenAI's 429 and headers, shared through Redis. */
class RateLimitTest {

  private Vertx providerVertx;
  private RecordingUpstream provider;
  private final JsonObject hello = new JsonObject().put("model", "m").put("input", "hello");

  @BeforeEach
  void start() {
    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
  }

  @AfterEach
  void stop() {
    provider.close();
    providerVertx.close().await();
  }

  /** Limits count in fixed one-minute windows: start each case well inside one, so it cannot straddle two. */
  @BeforeEach
  void awayFromTheWindowEdge() throws InterruptedException {
    long left = 60_000 - System.currentTimeMillis() % 60_000;
    if (left < 10_000) {
      Thread.sleep(left + 100);
    }
  }

  private Gateway gateway(Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(settings);
    all.put("PARLEY_UPSTREAM_URL", provider.baseUrl());
    return Gateway.start(all);
  }

  private static HttpResponse<String> post(Gateway gateway, String key, JsonObject body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/responses"))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (key != null) {
      request.header("authorization", "Bearer " + key);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aBurstOverTheRequestLimitGets429WithOpenAiHeaders() throws Exception {
    try (Gateway gateway = gateway(Map.of("PARLEY_RATE_LIMIT_RPM", "2"))) {
      HttpResponse<String> first = post(gateway, null, hello);
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("2");
      assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("1");
      assertThat(first.headers().firstValue("x-ratelimit-reset-requests")).hasValueSatisfying(v -> assertThat(v).endsWith("s"));
      assertThat(post(gateway, null, hello).headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");

      HttpResponse<String> limited = post(gateway, null, hello);
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("retry-after")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 60));
      assertError(new Reply(429, limited.body(), "application/json", null), 429, null, "rate_limit_exceeded");
      assertThat(new JsonObject(limited.body()).getJsonObject("error").getString("type")).isEqualTo("requests");
      assertThat(provider.requests()).hasSize(2);
    }
  }

  @Test
  void tenantTokenLimitsFromTheKeysFileCountFinishedResponses() throws Exception {
    Path file = Files.createTempFile("keys", ".json");
    Files.writeString(file, new JsonArray()
        .add(new JsonObject().put("tenant", "small").put("sha256", ApiKeys.sha256("sk-small")).put("tpm", 30))
        .add(new JsonObject().put("tenant", "big").put("sha256", ApiKeys.sha256("sk-big"))).encode());
    try (Gateway gateway = gateway(Map.of("PARLEY_API_KEYS_FILE", file.toString()))) {
      assertThat(post(gateway, "sk-small", hello).statusCode()).isEqualTo(200); // 18 tokens
      HttpResponse<String> second = post(gateway, "sk-small", hello);                // 18 < 30 when admitted
      assertThat(second.statusCode()).isEqualTo(200);
      assertThat(second.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("12");
      HttpResponse<String> third = post(gateway, "sk-small", hello);
      assertThat(third.statusCode()).isEqualTo(429);
      assertThat(new JsonObject(third.body()).getJsonObject("error").getString("type")).isEqualTo("tokens");
      for (int i = 0; i < 4; i++) {
        assertThat(post(gateway, "sk-big", hello).statusCode()).as("other tenants are not limited").isEqualTo(200);
      }
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void twoInstancesOnOneRedisShareTheLimit() throws Exception {
    String tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> settings = Map.of("PARLEY_REDIS_URL", RedisSupport.url(),
        "PARLEY_API_KEYS", tenant + "=sk-" + tenant, "PARLEY_RATE_LIMIT_RPM", "3");
    try (Gateway a = gateway(settings); Gateway b = gateway(settings)) {
      assertThat(post(a, "sk-" + tenant, hello).statusCode()).isEqualTo(200);
      assertThat(post(b, "sk-" + tenant, hello).statusCode()).isEqualTo(200);
      assertThat(post(a, "sk-" + tenant, hello).statusCode()).isEqualTo(200);
      HttpResponse<String> limited = post(b, "sk-" + tenant, hello);
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
      assertThat(post(a, "sk-" + tenant, hello).statusCode()).isEqualTo(429);
    }
  }

  @Test
  void rejectionsAreCountedInTheMetricsByTenant() throws Exception {
    try (Gateway gateway = gateway(Map.of("PARLEY_RATE_LIMIT_RPM", "1"))) {
      post(gateway, null, hello);
      assertThat(post(gateway, null, hello).statusCode()).isEqualTo(429);
      String metrics = gateway.get("/metrics").body();
      assertThat(metrics).containsPattern("parley_rate_limit_rejections_total\\{kind=\"requests\",tenant=\"default\"} 1\\.0");
      assertThat(metrics).containsPattern("parley_http_requests_total\\{[^}]*status=\"429\",tenant=\"default\"}");
    }
  }

  @Test
  void aTenantCannotHoldMoreStreamsThanItsCap() throws Exception {
    // Streams hang open (one delta, never finished); plain requests are answered at once.
    provider.behave((body, response) -> {
      if (body.getBoolean("stream", false)) {
        Chunks.sse(response);
        Chunks.write(response, Chunks.delta("waiting "));
      } else {
        RecordingUpstream.text("done", body, response);
      }
    });
    try (Gateway gateway = gateway(Map.of("PARLEY_MAX_STREAMS_PER_TENANT", "1"))) {
      JsonObject stream = hello.copy().put("stream", true);
      HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/responses"))
          .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(stream.encode())).build();
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<java.io.InputStream> open = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      assertThat(open.statusCode()).isEqualTo(200);
      assertThat(open.body().read()).isPositive();

      HttpResponse<String> refused = post(gateway, null, stream);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("code")).isEqualTo("too_many_concurrent_streams");
      assertThat(post(gateway, null, hello).statusCode()).as("non-stream requests are not capped").isEqualTo(200);
      assertThat(gateway.get("/metrics").body()).contains("kind=\"streams\"");

      open.body().close();
      long deadline = System.currentTimeMillis() + 5000;
      HttpResponse<java.io.InputStream> again = null;
      while ((again == null || again.statusCode() == 429) && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
        again = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      }
      assertThat(again.statusCode()).as("the slot is free once the first stream is gone").isEqualTo(200);
      again.body().close();
    }
  }
}
