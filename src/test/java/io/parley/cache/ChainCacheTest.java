package io.parley.cache;

import io.parley.protocol.Ids;
import io.parley.state.StoredResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

import static org.assertj.core.api.Assertions.assertThat;

class ChainCacheTest {

  private static Chain chain() {
    String id = Ids.newResponseId(null);
    JsonArray input = new JsonArray().add(new JsonObject().put("type", "message").put("role", "user").put("content", "x".repeat(500)));
    JsonObject response = new JsonObject().put("id", id).put("object", "response")
        .put("output", new JsonArray().add(new JsonObject().put("type", "message").put("text", "hi")));
    return Chain.loaded(List.of(new StoredResponse(id, null, List.of(), input, response)));
  }

  @Test
  void evictionHappensOnTheCallingThreadWithinThePut() throws InterruptedException {
    long handedOff = ForkJoinPool.commonPool().getStealCount();
    Chain sample = chain();
    long room = 20L * sample.weight();
    ChainCache cache = new ChainCache(room);
    List<Chain> put = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Chain c = chain();
      put.add(c);
      cache.put("t", c);
    }

    // No background maintenance to wait for: by the time put returns, the cache is within its bound.
    assertThat(cache.evictions()).isGreaterThan(0);
    long held = put.stream().filter(c -> cache.get("t", c.ids().get(0)) != null).mapToLong(Chain::weight).sum();
    assertThat(held).isPositive().isLessThanOrEqualTo(room);
    // And none of it was handed to another thread (Caffeine's default executor is the common pool).
    Thread.sleep(100);
    assertThat(ForkJoinPool.commonPool().getStealCount()).isEqualTo(handedOff);
  }
}
