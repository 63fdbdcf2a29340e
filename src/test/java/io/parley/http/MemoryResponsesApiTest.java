package io.parley.http;

import java.util.Map;

class MemoryResponsesApiTest extends ResponsesApiContract {
  @Override
  Map<String, String> storeSettings() {
    return Map.of();
  }
}
