package io.parley.http;

import java.util.Map;

class MemoryAgenticTest extends AgenticContract {
  @Override
  Map<String, String> storeSettings() {
    return Map.of();
  }
}
