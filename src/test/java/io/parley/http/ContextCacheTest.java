package io.parley.http;

import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RedisSupport;
import io.vertx.core.Vertx;
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
    return Map.of("PARLEY_REDIS_URL", RedisSupport.url());
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
    assertThat(provider.requests()).hasSize(calls);
  }

}
