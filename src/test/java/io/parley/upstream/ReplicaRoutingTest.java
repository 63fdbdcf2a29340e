package io.parley.upstream;

import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several replicas of one model server behind {@code PARLEY_UPSTREAM_URL}: affinity keeps a chain on one
 * replica, chains spread, a replica that goes away loses its chains to another, and round robin spreads turns.
 */
class ReplicaRoutingTest {

  private final Vertx providerVertx = Vertx.vertx();
  private final List<RecordingUpstream> replicas = new ArrayList<>();
  private Gateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    replicas.forEach(r -> {
      try {
        r.close();
      } catch (RuntimeException alreadyClosed) {
        // the failover test closes one itself
      }
    });
    providerVertx.close().await();
  }

  private void start(int count, Map<String, String> settings) {
    for (int i = 0; i < count; i++) {
      replicas.add(new RecordingUpstream(providerVertx));
    }
    Map<String, String> env = new HashMap<>(settings);
    env.put("PARLEY_UPSTREAM_URL", replicas.stream().map(RecordingUpstream::baseUrl).collect(Collectors.joining(",")));
    gateway = Gateway.start(env);
  }

  /** One turn's reply and the replica that received its provider call. */
  private record Sent(Reply reply, int replica) {
    String id() {
      return reply.json().getString("id");
    }

    String cache() {
      return reply.header("x-parley-cache");
    }
  }

  private Sent send(JsonObject body) {
    int[] before = replicas.stream().mapToInt(r -> r.requests().size()).toArray();
    Reply reply = gateway.post("/v1/responses", body);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    int received = -1;
    for (int i = 0; i < replicas.size(); i++) {
      if (replicas.get(i).requests().size() > before[i]) {
        assertThat(received).as("one provider call per turn").isEqualTo(-1);
        received = i;
      }
    }
    return new Sent(reply, received);
  }

  private Sent turn(String input, String previous) {
    JsonObject body = new JsonObject().put("model", "m").put("input", input);
    if (previous != null) {
      body.put("previous_response_id", previous);
    }
    return send(body);
  }

  /** Starts {@code count} chains of one turn each; returns each chain's last response id and replica. */
  private List<Sent> startChains(int count) {
    List<Sent> chains = new ArrayList<>();
    for (int c = 0; c < count; c++) {
      chains.add(turn("chain " + c, null));
    }
    return chains;
  }

  @Test
  void affinityKeepsEveryTurnOfAChainOnOneReplicaAndSpreadsChains() {
    start(4, Map.of());
    List<Sent> chains = startChains(12);
    for (int depth = 1; depth < 4; depth++) {
      for (int c = 0; c < chains.size(); c++) {
        Sent next = turn("turn " + depth, chains.get(c).id());
        assertThat(next.replica()).as("chain %d, turn %d", c, depth).isEqualTo(chains.get(c).replica());
        assertThat(next.cache()).isEqualTo("affinity-hit");
        chains.set(c, next);
      }
    }
    Set<Integer> used = chains.stream().map(Sent::replica).collect(Collectors.toSet());
    assertThat(used).as("12 chains over 4 replicas").hasSizeGreaterThanOrEqualTo(2);

    String metrics = gateway.get("/metrics").body();
    assertThat(metrics).contains("parley_upstream_affinity_total{result=\"affinity-hit\"} 48.0");
  }

  @Test
  void aPromptCacheKeyRoutesAcrossChains() {
    start(4, Map.of());
    Set<Integer> used = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      used.add(send(new JsonObject().put("model", "m").put("input", "new chain " + i)
          .put("prompt_cache_key", "shared-system-prompt")).replica());
    }
    assertThat(used).hasSize(1);
    JsonObject sent = replicas.get(used.iterator().next()).last();
    assertThat(sent.getString("prompt_cache_key")).isEqualTo("shared-system-prompt");
  }

  @Test
  void promptCacheKeyAndSafetyIdentifierReachTheProvider() {
    start(1, Map.of());
    Sent sent = send(new JsonObject().put("model", "m").put("input", "hi")
        .put("prompt_cache_key", "tenant-42-v3").put("safety_identifier", "user-hash-9"));
    JsonObject body = replicas.get(0).last();
    assertThat(body.getString("prompt_cache_key")).isEqualTo("tenant-42-v3");
    assertThat(body.getString("safety_identifier")).isEqualTo("user-hash-9");
    assertThat(sent.cache()).isEqualTo("affinity-hit");
  }

  @Test
  void chainsOfAStoppedReplicaMoveToAnotherAndStayThere() throws Exception {
    start(3, Map.of());
    List<Sent> chains = startChains(9);
    int victim = chains.get(0).replica();
    replicas.get(victim).close();

    int[] original = chains.stream().mapToInt(Sent::replica).toArray();
    for (int depth = 1; depth <= 2; depth++) {
      for (int c = 0; c < chains.size(); c++) {
        Sent before = chains.get(c);
        Sent next = turn("after the stop " + depth, before.id());
        if (original[c] == victim) {
          assertThat(next.cache()).as("chain %d", c).isEqualTo("moved; reason=down");
          assertThat(next.replica()).isNotEqualTo(victim);
        } else {
          assertThat(next.cache()).as("chain %d", c).isEqualTo("affinity-hit");
        }
        if (depth == 2 || original[c] != victim) {
          assertThat(next.replica()).as("chain %d stays where it is", c).isEqualTo(before.replica());
        }
        chains.set(c, next);
      }
    }

    // A stream moves too: nothing had been streamed when the call was placed.
    Sent moved = chains.get(0);
    HttpResponse<String> stream = gateway.http().send(HttpRequest.newBuilder(gateway.uri("/v1/responses"))
        .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("model", "m").put("stream", true)
            .put("input", "streamed").put("previous_response_id", moved.id()).encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("x-parley-cache")).hasValue("moved; reason=down");
    assertThat(stream.body()).contains("response.completed");
    assertThat(gateway.get("/metrics").body()).contains("parley_upstream_affinity_total{result=\"moved\"}");
  }

  @Test
  void aReplicaAnswering5xxIsRetriedOnceOnTheNext() {
    start(2, Map.of());
    Sent first = turn("hello", null);
    replicas.get(first.replica()).replyStatus(503, "{\"error\":{\"message\":\"overloaded\"}}");

    RecordingUpstream other = replicas.get(1 - first.replica());
    Reply next = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "again")
        .put("previous_response_id", first.id()));
    assertThat(next.status()).as(next.body()).isEqualTo(200);
    assertThat(next.header("x-parley-cache")).isEqualTo("moved; reason=down");
    assertThat(replicas.get(first.replica()).requests()).hasSize(2);
    assertThat(other.requests()).hasSize(1);
    assertThat(other.last().getJsonArray("messages")).hasSize(3);
  }

  @Test
  void aFailingHealthCheckTakesAReplicaOutUntilItPassesAgain() throws InterruptedException {
    start(2, Map.of("PARLEY_UPSTREAM_HEALTH_INTERVAL", "100ms"));
    Sent last = turn("hello", null);
    int home = last.replica();
    replicas.get(home).modelsStatus(503);
    last = untilCacheHeader(last, "moved; reason=down");
    assertThat(last.replica()).isEqualTo(1 - home);

    replicas.get(home).modelsStatus(200);
    last = untilCacheHeader(last, "affinity-hit");
    assertThat(last.replica()).isEqualTo(home);
  }

  /** Continues the chain until a turn's header says {@code expected} (the health check runs on its own timer). */
  private Sent untilCacheHeader(Sent last, String expected) throws InterruptedException {
    for (int i = 0; i < 300 && !expected.equals(last.cache()); i++) {
      Thread.sleep(50);
      last = turn("again " + i, last.id());
    }
    assertThat(last.cache()).isEqualTo(expected);
    return last;
  }

  @Test
  void whenEveryReplicaFailsTheClientGetsOne502AfterOneRetry() {
    start(3, Map.of());
    replicas.forEach(r -> r.replyStatus(500, "{\"error\":{\"message\":\"boom\"}}"));
    Reply reply = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "x"));
    assertThat(reply.status()).isEqualTo(502);
    assertThat(replicas.stream().mapToInt(r -> r.requests().size()).sum()).isEqualTo(2);
  }

  @Test
  void roundRobinSpreadsTheTurnsOfOneChain() {
    start(4, Map.of("PARLEY_UPSTREAM_ROUTING", "round_robin"));
    Sent last = turn("first", null);
    assertThat(last.cache()).isEqualTo("miss");
    for (int i = 1; i < 8; i++) {
      last = turn("turn " + i, last.id());
      assertThat(last.cache()).isEqualTo("miss");
    }
    assertThat(replicas).allSatisfy(r -> assertThat(r.requests()).hasSize(2));
  }
}
