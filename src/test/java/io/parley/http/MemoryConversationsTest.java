package io.parley.http;

import java.util.Map;

class MemoryConversationsTest extends ConversationsContract {
  @Override
  Map<String, String> storeSettings() {
    return Map.of();
  }
}
