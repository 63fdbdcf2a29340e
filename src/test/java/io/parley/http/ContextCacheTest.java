package io.parley.http;

import com.knuddels.jtokkit.api.EncodingType;
import io.parley.auth.ApiKeys;
import io.parley.protocol.Ids;
import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RedisSupport;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The context cache: a continuation from memory reads no history from Redis, and deletes anywhere are honoured. */
class ContextCacheTest extends ResponsesApiHarness {

  private Vertx redisVertx;
  private Redis redis;

  @Override
  Map<String, String> storeSettings() {
    return Map.of("PARLEY_REDIS_URL", RedisSupport.url(), "PARLEY_CONTEXT_WINDOWS", "windowed=400");
  }

  @BeforeAll
  void redisClient() {
    redisVertx = Vertx.vertx();
    redis = Redis.createClient(redisVertx, RedisSupport.url());
  }

  @AfterAll
  void closeRedisClient() {
    redis.close().await();
    redisVertx.close().await();
  }

  private Map<String, Long> stats() {
    String info = redis.send(Request.cmd(Command.INFO).arg("all")).await().toString();
    Map<String, Long> stats = new HashMap<>();
    for (String line : info.split("\r\n")) {
      if (line.startsWith("cmdstat_")) {
        String name = line.substring(8, line.indexOf(':'));
        stats.put(name, Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1")));
      } else if (line.startsWith("total_net_output_bytes:")) {
        stats.put("net_output_bytes", Long.parseLong(line.substring(line.indexOf(':') + 1).trim()));
      }
    }
    return stats;
  }

  private static long delta(Map<String, Long> before, Map<String, Long> after, String key) {
    return after.getOrDefault(key, 0L) - before.getOrDefault(key, 0L);
  }

  private String chain(int depth) {
    String previous = null;
    for (int i = 0; i < depth; i++) {
      previous = turn("turn " + i + " " + "padding ".repeat(100), previous, "answer " + i + " " + "more ".repeat(100))
          .getString("id");
    }
    return previous;
  }

  @Test
  void aContinuationFromTheCacheReadsNoHistoryAndReadsTheSameBytesAtAnyDepth() {
    String shallow = chain(2);
    String deep = chain(20);

    Map<String, Long> before = stats();
    turn("next", shallow, "ok");
    Map<String, Long> middle = stats();
    turn("next", deep, "ok");
    Map<String, Long> after = stats();

    for (Map<String, Long> from : java.util.List.of(before, middle)) {
      Map<String, Long> to = from == before ? middle : after;
      assertThat(delta(from, to, "getex")).as("no head read").isZero();
      assertThat(delta(from, to, "mget")).as("no ancestor read").isZero();
      assertThat(delta(from, to, "get")).isZero();
      // Building the chains ran the script already, so Redis holds it and the digest is enough.
      assertThat(delta(from, to, "evalsha")).as("one validation, by the script's digest").isEqualTo(1);
      assertThat(delta(from, to, "eval")).as("no script body sent").isZero();
      assertThat(delta(from, to, "set")).as("the turn, and the index keys of its input and output item").isEqualTo(3);
    }
    long shallowBytes = delta(before, middle, "net_output_bytes");
    long deepBytes = delta(middle, after, "net_output_bytes");
    assertThat(deepBytes).as("bytes Redis sent for a depth-20 continuation vs depth 2 (%d)", shallowBytes)
        .isLessThan(shallowBytes + 300);
  }

  @Test
  void aDeleteOnAnotherInstanceIsHonouredByThisInstancesCache() {
    String first = turn("one", null, "a").getString("id");
    String second = turn("two", first, "b").getString("id");
    String third = turn("three", second, "c").getString("id");

    Map<String, String> settings = new HashMap<>(storeSettings());
    settings.put("PARLEY_UPSTREAM_URL", provider.baseUrl());
    try (Gateway other = Gateway.start(settings)) {
      assertThat(other.delete("/v1/responses/" + second).status()).isEqualTo(200);
    }
    int calls = provider.requests().size();
    Reply reply = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "four")
        .put("previous_response_id", third));
    assertError(reply, 400, "previous_response_id", "previous_response_not_found");
    assertThat(reply.error().getString("message")).contains(second);
    // The check of the cached chain runs alongside the provider call, which it cancels when it fails.
    assertThat(provider.requests().size()).isLessThanOrEqualTo(calls + 1);
  }


  private JsonObject stored(String id) {
    String key = "parley:" + ApiKeys.OPEN_TENANT + ":resp:{" + Ids.chainTag(id) + "}:" + id;
    return new JsonObject(redis.send(Request.cmd(Command.GET).arg(key)).await().toString());
  }

  private String windowedChain(int turns, String words) {
    String previous = null;
    for (int i = 0; i < turns; i++) {
      provider.replyText(("answer " + i + " ").repeat(10));
      JsonObject body = new JsonObject().put("model", "windowed").put("input", ("q" + i + " " + words).trim())
          .put("truncation", "auto");
      if (previous != null) {
        body.put("previous_response_id", previous);
      }
      previous = create(body).getString("id");
    }
    return previous;
  }

  @Test
  void eachTurnIsStoredWithTheTokenCountOfItsHistory() {
    String second = windowedChain(2, "");
    provider.replyText("ok");
    create(new JsonObject().put("model", "windowed").put("input", "third").put("previous_response_id", second));

    // What the provider got for the third turn: the history of the first two turns, then the new question.
    JsonObject sent = provider.last();
    JsonArray messages = sent.getJsonArray("messages");
    JsonObject history = sent.copy().put("messages", new JsonArray(messages.getList().subList(0, messages.size() - 1)));
    int expected = TokensAndCompactionTest.expected(history, EncodingType.O200K_BASE) - 3;
    assertThat(stored(second).getJsonObject("tokens"))
        .isEqualTo(new JsonObject().put("encoding", "o200k_base").put("history", expected));
  }

  @Test
  void anotherInstanceChecksTheWindowWithTheStoredCountsInsteadOfRetokenizing() {
    String words = "padding ".repeat(60);
    String over = windowedChain(4, words);
    String alsoOver = windowedChain(4, words);
    // Understate the second chain's stored count: only an instance that trusts it lets the next turn through.
    JsonObject turn = stored(alsoOver);
    turn.getJsonObject("tokens").put("history", 1);
    String key = "parley:" + ApiKeys.OPEN_TENANT + ":resp:{" + Ids.chainTag(alsoOver) + "}:" + alsoOver;
    redis.send(Request.cmd(Command.SET).arg(key).arg(turn.encode()).arg("KEEPTTL")).await();

    Map<String, String> settings = new HashMap<>(storeSettings());
    settings.put("PARLEY_UPSTREAM_URL", provider.baseUrl());
    try (Gateway other = Gateway.start(settings)) {
      JsonObject next = new JsonObject().put("model", "windowed").put("input", "next");
      assertError(other.post("/v1/responses", next.copy().put("previous_response_id", over)), 400, "input",
          "context_length_exceeded");
      provider.replyText("ok");
      assertThat(other.post("/v1/responses", next.copy().put("previous_response_id", alsoOver)).status()).isEqualTo(200);
    }
  }

  @Test
  void cacheHitsAndMissesAreExported() {
    String first = turn("one", null, "a").getString("id");
    double hits = metric("parley_context_cache_lookups_total{result=\"hit\"");
    turn("two", first, "b");
    assertThat(metric("parley_context_cache_lookups_total{result=\"hit\"")).isEqualTo(hits + 1);
  }

  private double metric(String prefix) {
    for (String line : gateway.get("/metrics").body().split("\n")) {
      if (line.startsWith(prefix)) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no metric " + prefix);
  }
}
