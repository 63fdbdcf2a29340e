package io.parley.sdk;

import io.parley.testing.RedisSupport;

import java.util.Map;

class RedisOpenAiJavaSdkTest extends OpenAiJavaSdkContract {
  @Override
  Map<String, String> storeSettings() {
    return Map.of("PARLEY_REDIS_URL", RedisSupport.url());
  }
}
