package io.parley.state;

import io.parley.redis.RedisConnections;
import io.parley.testing.RedisSupport;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

import java.time.Duration;

class RedisRecentResponsesTest extends RecentResponsesContract {

  @Override
  protected RecentResponses create(Vertx vertx, int max, Duration ttl) {
    return new RedisRecentResponses(Redis.createClient(vertx, RedisConnections.standalone(RedisSupport.url())), max, ttl);
  }
}
