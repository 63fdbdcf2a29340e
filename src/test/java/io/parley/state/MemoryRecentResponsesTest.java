package io.parley.state;

import io.vertx.core.Vertx;

import java.time.Duration;

class MemoryRecentResponsesTest extends RecentResponsesContract {

  @Override
  protected RecentResponses create(Vertx vertx, int max, Duration ttl) {
    return new MemoryRecentResponses(max, ttl);
  }
}
