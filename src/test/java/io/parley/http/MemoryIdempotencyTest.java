package io.parley.http;

import java.util.Map;

class MemoryIdempotencyTest extends IdempotencyContract {
  @Override
  Map<String, String> backend() {
    return Map.of();
  }
}
