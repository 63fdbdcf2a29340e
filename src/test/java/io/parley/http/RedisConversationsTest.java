package io.parley.http;

import io.parley.testing.RedisSupport;

import java.util.Map;

class RedisConversationsTest extends ConversationsContract {
  @Override
  Map<String, String> storeSettings() {
    return Map.of("PARLEY_REDIS_URL", RedisSupport.url());
  }
}
