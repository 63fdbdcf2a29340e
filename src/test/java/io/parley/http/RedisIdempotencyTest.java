package io.parley.http;

import io.parley.testing.RedisSupport;

import java.util.Map;

class RedisIdempotencyTest extends IdempotencyContract {
  @Override
  Map<String, String> backend() {
    return Map.of("PARLEY_REDIS_URL", RedisSupport.url());
  }
}
