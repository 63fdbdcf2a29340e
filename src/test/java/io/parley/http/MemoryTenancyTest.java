package io.parley.http;

import java.util.Map;

class MemoryTenancyTest extends TenancyContract {
  @Override
  Map<String, String> backend() {
    return Map.of();
  }
}
