package io.parley.http;

import io.parley.testing.RedisSupport;

import java.util.Map;

/** State and files in one Redis that both gateways share. */
class RedisFilesTest extends FilesContract {

  @Override
  Map<String, String> backend() {
    return Map.of("PARLEY_REDIS_URL", RedisSupport.url());
  }

  @Override
  boolean sharedState() {
    return true;
  }
}
