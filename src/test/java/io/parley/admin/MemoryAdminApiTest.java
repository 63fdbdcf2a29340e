package io.parley.admin;

import java.util.Map;

class MemoryAdminApiTest extends AdminApiContract {
  @Override
  Map<String, String> backend() {
    return Map.of();
  }
}
