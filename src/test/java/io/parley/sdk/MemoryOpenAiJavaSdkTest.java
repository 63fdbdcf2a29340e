package io.parley.sdk;

import java.util.Map;

class MemoryOpenAiJavaSdkTest extends OpenAiJavaSdkContract {
  @Override
  Map<String, String> storeSettings() {
    return Map.of();
  }
}
