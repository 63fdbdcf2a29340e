package io.parley.http;

import io.parley.auth.ApiKeys;
import io.parley.background.RedisRunLog;
import io.parley.protocol.Ids;
import io.parley.state.RedisResponseStore;
import io.parley.state.StoredResponse;
import io.parley.testing.Chunks;
import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RecordingUpstream;
import io.parley.testing.RedisSupport;
import io.parley.testing.Sse;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.parley.http.ResponsesApiHarness.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** Background responses run on one replica and are read, cancelled and resumed from another. */
class BackgroundTest {

  private Vertx providerVertx;
  private RecordingUpstream provider;
  private Gateway a;
  private Gateway b;

  @BeforeEach
  void start() {
    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
    a = gateway(Map.of());
    b = gateway(Map.of());
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
    provider.close();
    providerVertx.close().await();
  }

  private Gateway gateway(Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>(extra);
    settings.put("PARLEY_UPSTREAM_URL", provider.baseUrl());
    settings.put("PARLEY_REDIS_URL", RedisSupport.url());
    return Gateway.start(settings);
  }

  /** Streams {@code ticks} deltas 20 ms apart (forever when negative), stopping if the connection closes. */
  private void ticking(int ticks) {
    provider.behave((body, response) -> {
      Chunks.sse(response);
      tick(response, ticks, 0);
    });
  }

  private void tick(HttpServerResponse response, int ticks, int sent) {
    if (response.closed()) {
      return;
    }
    if (ticks >= 0 && sent == ticks) {
      Chunks.write(response, Chunks.finish("stop"));
      response.end("data: [DONE]\n\n");
      return;
    }
    Chunks.write(response, Chunks.delta("tick "));
    providerVertx.setTimer(20, t -> tick(response, ticks, sent + 1));
  }

  private static JsonObject background(boolean stream) {
    return new JsonObject().put("model", "m").put("input", "work").put("background", true).put("stream", stream);
  }

  private static JsonObject await(Gateway gateway, String id, Predicate<JsonObject> until) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    JsonObject response = gateway.get("/v1/responses/" + id).json();
    while (!until.test(response) && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      response = gateway.get("/v1/responses/" + id).json();
    }
    return response;
  }

  @Test
  void aBackgroundResponseIsQueuedAtOnceAndCompletesDetached() throws Exception {
    ticking(10);
    JsonObject queued = a.post("/v1/responses", background(false)).json();
    assertThat(queued.getString("status")).isEqualTo("queued");
    assertThat(queued.getBoolean("background")).isTrue();

    JsonObject done = await(b, queued.getString("id"), r -> r.getString("status").equals("completed"));
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(done.getString("output_text")).isEqualTo("tick ".repeat(10));
    assertThat(provider.last().getBoolean("stream")).isTrue();
  }

  @Test
  void aCancelOnAnotherReplicaStopsTheProviderCall() throws Exception {
    ticking(-1);
    String id = a.post("/v1/responses", background(false)).json().getString("id");
    await(b, id, r -> r.getString("status").equals("in_progress"));

    Reply cancelled = b.post("/v1/responses/" + id + "/cancel", "");
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().getString("status")).isEqualTo("cancelled");
    long deadline = System.currentTimeMillis() + 5000;
    while (provider.closedEarly() == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(provider.closedEarly()).as("the provider request was aborted").isEqualTo(1);
    assertThat(a.get("/v1/responses/" + id).json().getString("status")).isEqualTo("cancelled");
    assertThat(b.post("/v1/responses/" + id + "/cancel", "").json().getString("status")).isEqualTo("cancelled");
  }

  @Test
  void aDroppedStreamResumesOnAnotherReplicaWithoutGapsOrDuplicates() throws Exception {
    ticking(30);
    HttpRequest request = HttpRequest.newBuilder(a.uri("/v1/responses")).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(background(true).encode())).build();
    HttpResponse<InputStream> live = a.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
    List<JsonObject> firstPart = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(live.body(), StandardCharsets.UTF_8))) {
      String line;
      while (firstPart.size() < 8 && (line = reader.readLine()) != null) {
        if (line.startsWith("data: {")) {
          firstPart.add(new JsonObject(line.substring(6)));
        }
      }
    }
    String id = firstPart.get(0).getJsonObject("response").getString("id");
    long last = firstPart.get(firstPart.size() - 1).getLong("sequence_number");

    Sse.Stream rest = Sse.parse(200, "text/event-stream",
        b.http().send(HttpRequest.newBuilder(b.uri("/v1/responses/" + id + "?stream=true&starting_after=" + last)).build(),
            HttpResponse.BodyHandlers.ofString()).body());
    assertThat(rest.done()).isTrue();
    List<JsonObject> all = new ArrayList<>(firstPart);
    rest.events().forEach(e -> all.add(e.data()));
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).getLong("sequence_number")).as("event " + i).isEqualTo(i);
    }
    StringBuilder text = new StringBuilder();
    all.stream().filter(e -> e.getString("type").equals("response.output_text.delta")).forEach(e -> text.append(e.getString("delta")));
    assertThat(text).hasToString("tick ".repeat(30));
    assertThat(rest.last().type()).isEqualTo("response.completed");
  }

  @Test
  void aRunWhoseReplicaDiedIsFailedOnceItsLeaseExpires() throws Exception {
    // What a crashed replica leaves behind: its run stored as in progress, and a lease nobody renews.
    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, RedisSupport.url());
    RedisResponseStore store = new RedisResponseStore(redis, false, Duration.ofMinutes(5));
    RedisRunLog runs = new RedisRunLog(redis, Duration.ofMinutes(5));
    try {
      String id = Ids.newResponseId(null);
      JsonObject running = new JsonObject().put("id", id).put("object", "response").put("status", "in_progress")
          .put("background", true).put("output", new JsonArray());
      runs.lease(ApiKeys.OPEN_TENANT, id, Duration.ofSeconds(1)).await();
      store.put(ApiKeys.OPEN_TENANT, new StoredResponse(id, null, List.of(), new JsonArray(), running)).await();

      assertThat(b.get("/v1/responses/" + id).json().getString("status")).as("leased: still running").isEqualTo("in_progress");
      JsonObject failed = await(b, id, r -> r.getString("status").equals("failed"));
      assertThat(failed.getString("status")).isEqualTo("failed");
      assertThat(failed.getJsonObject("error").getString("message")).contains("stopped before it finished");
      Sse.Stream replay = Sse.parse(200, "text/event-stream", b.get("/v1/responses/" + id + "?stream=true").body());
      assertThat(replay.done()).as("a follower is not left waiting").isTrue();
    } finally {
      redis.close().await();
      vertx.close().await();
    }
  }

  @Test
  void backgroundRulesAreEnforced() {
    assertError(a.post("/v1/responses", background(false).put("store", false)), 400, "background", "invalid_value");
    String plain = a.post("/v1/responses", new JsonObject().put("model", "m").put("input", "x")).json().getString("id");
    assertError(b.post("/v1/responses/" + plain + "/cancel", ""), 400, null, "invalid_value");
    assertError(b.get("/v1/responses/" + plain + "?stream=true"), 400, "stream", "invalid_value");
    assertError(b.post("/v1/responses/resp_" + "0".repeat(48) + "/cancel", ""), 404, null, "not_found");
  }
}
