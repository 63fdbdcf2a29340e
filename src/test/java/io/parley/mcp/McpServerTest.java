package io.parley.mcp;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class McpServerTest {

  @Test
  void theCacheKeyDependsOnTheCredentialsNotOnHowTheirMapIsOrderedOrCased() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("Authorization", "Bearer one");
    ab.put("X-Tenant", "t");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("x-tenant", "t");
    ba.put("authorization", "Bearer one");
    McpServer first = new McpServer("a", "https://mcp.example.com/mcp", ab);
    assertThat(first.cacheKey()).isEqualTo(new McpServer("b", "https://mcp.example.com/mcp", ba).cacheKey())
        .startsWith("https://mcp.example.com/mcp#").doesNotContain("one");
    assertThat(first.cacheKey())
        .isNotEqualTo(new McpServer("a", "https://mcp.example.com/mcp", Map.of("Authorization", "Bearer two"))
            .cacheKey())
        .isNotEqualTo(new McpServer("a", "https://mcp.example.com/mcp", null).cacheKey())
        .isNotEqualTo(new McpServer("a", "https://other.example.com/mcp", ab).cacheKey());
  }

  @Test
  void itsTextNamesTheHeadersButNotTheirValues() {
    assertThat(new McpServer("deepwiki", "https://mcp.example.com/mcp?key=k", Map.of("Authorization", "Bearer s3")))
        .hasToString("McpServer[label=deepwiki, headers=[Authorization]]");
  }
}
