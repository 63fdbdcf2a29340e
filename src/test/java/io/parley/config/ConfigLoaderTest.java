package io.parley.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

  @Test
  void defaultsGiveAZeroSetupGateway() {
    ParleyConfig config = ConfigLoader.fromMap(Map.of());
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.mockUpstream()).isTrue();
    assertThat(config.redisState()).isFalse();
    assertThat(config.stateTtl()).isEqualTo(Duration.ofDays(30));
    assertThat(config.memoryMaxEntries()).isEqualTo(100_000);
    assertThat(config.memoryMaxBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
  }

  @Test
  void theConsoleIsOffWithoutAnAdminKeyAndTheKeyIsKeptOnlyAsAHash() {
    assertThat(ConfigLoader.fromMap(Map.of()).admin().enabled()).isFalse();
    assertThat(ConfigLoader.fromMap(Map.of("PARLEY_ADMIN_KEY", "")).admin().enabled()).isFalse();
    ParleyConfig config = ConfigLoader.fromMap(Map.of("PARLEY_ADMIN_KEY", "adm-0123456789abcdef",
        "PARLEY_RECENT_RESPONSES_MAX", "50"));
    assertThat(config.admin().keyHash()).isEqualTo(io.parley.auth.ApiKeys.sha256("adm-0123456789abcdef"));
    assertThat(config.admin().recentResponsesMax()).isEqualTo(50);
    assertThat(config.toString()).doesNotContain("adm-0123456789abcdef").contains("console=on");
    assertThat(ConfigLoader.fromMap(Map.of()).admin().recentResponsesMax()).isEqualTo(1000);
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_ADMIN_KEY", "short")))
        .hasMessageContaining("PARLEY_ADMIN_KEY").hasMessageNotContaining("short'");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_RECENT_RESPONSES_MAX", "-1")))
        .hasMessageContaining("PARLEY_RECENT_RESPONSES_MAX");
  }

  @Test
  void theCachedChainIsCheckedAlongsideTheProviderCallUnlessSetToCheckBefore() {
    assertThat(ConfigLoader.fromMap(Map.of()).chainCheckConcurrent()).isTrue();
    assertThat(ConfigLoader.fromMap(Map.of("PARLEY_CHAIN_CHECK", "before")).chainCheckConcurrent()).isFalse();
    assertThat(ConfigLoader.fromMap(Map.of("PARLEY_CHAIN_CHECK", "Concurrent")).chainCheckConcurrent()).isTrue();
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_CHAIN_CHECK", "after")))
        .hasMessageContaining("PARLEY_CHAIN_CHECK");
  }

  @Test
  void theMemoryStoreIsBoundedByBytesToo() {
    assertThat(ConfigLoader.fromMap(Map.of("PARLEY_MEMORY_MAX_BYTES", "268435456")).memoryMaxBytes()).isEqualTo(268_435_456L);
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_MEMORY_MAX_BYTES", "1000")))
        .hasMessageContaining("PARLEY_MEMORY_MAX_BYTES");
  }

  @Test
  void environmentOverridesTheFile() {
    JsonObject file = new JsonObject().put("port", 9000).put("state_ttl", "1h").put("upstream_url", "mock");
    ParleyConfig config = new ConfigLoader(file, Map.of("PARLEY_PORT", "9100",
        "PARLEY_UPSTREAM_URL", "http://vllm:8000/v1/", "PARLEY_REDIS_URL", "redis://r:6379")).build();
    assertThat(config.port()).isEqualTo(9100);
    assertThat(config.stateTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(config.upstreamUrls()).containsExactly("http://vllm:8000/v1");
    assertThat(config.redisUrl()).isEqualTo("redis://r:6379");
  }

  @Test
  void severalUpstreamUrlsAreReplicasOfOneServer() {
    ParleyConfig fromEnv = ConfigLoader.fromMap(Map.of("PARLEY_UPSTREAM_URL", "http://a:8000/v1, http://b:8000/v1/",
        "PARLEY_UPSTREAM_ROUTING", "round_robin"));
    assertThat(fromEnv.upstreamUrls()).containsExactly("http://a:8000/v1", "http://b:8000/v1");
    assertThat(fromEnv.upstreamRouting().affinity()).isFalse();

    JsonObject file = new JsonObject().put("upstream_url", new io.vertx.core.json.JsonArray().add("http://a/v1").add("http://b/v1"))
        .put("upstream_max_load_factor", 1.5).put("upstream_health_interval", "2s");
    ParleyConfig fromFile = new ConfigLoader(file, Map.of()).build();
    assertThat(fromFile.upstreamUrls()).containsExactly("http://a/v1", "http://b/v1");
    assertThat(fromFile.upstreamRouting()).isEqualTo(new UpstreamRouting(true, 1.5, Duration.ofSeconds(2)));
    assertThat(ConfigLoader.fromMap(Map.of()).upstreamRouting()).isEqualTo(UpstreamRouting.DEFAULT);
    assertThat(ConfigLoader.fromMap(Map.of("PARLEY_MOCK_REPLICAS", "4")).mockReplicas()).isEqualTo(4);

    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_UPSTREAM_URL", "http://a/v1,http://a/v1")))
        .hasMessageContaining("PARLEY_UPSTREAM_URL");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_UPSTREAM_ROUTING", "random")))
        .hasMessageContaining("PARLEY_UPSTREAM_ROUTING");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_UPSTREAM_MAX_LOAD_FACTOR", "0.5")))
        .hasMessageContaining("PARLEY_UPSTREAM_MAX_LOAD_FACTOR");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_MOCK_REPLICAS", "0")))
        .hasMessageContaining("PARLEY_MOCK_REPLICAS");
  }

  @Test
  void mockAndBlankMeanTheBuiltInMock() {
    assertThat(ConfigLoader.fromMap(Map.of("PARLEY_UPSTREAM_URL", "mock")).mockUpstream()).isTrue();
    assertThat(ConfigLoader.fromMap(Map.of("PARLEY_UPSTREAM_URL", "")).mockUpstream()).isTrue();
  }

  @Test
  void invalidValuesNameTheKey() {
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_PORT", "eighty")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("PARLEY_PORT");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_PORT", "70000")))
        .hasMessageContaining("PARLEY_PORT");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_STATE_TTL", "forever")))
        .hasMessageContaining("PARLEY_STATE_TTL");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_STATE_TTL", "0s")))
        .hasMessageContaining("PARLEY_STATE_TTL");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_UPSTREAM_URL", "ftp://x/v1")))
        .hasMessageContaining("PARLEY_UPSTREAM_URL");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_REDIS_URL", "localhost:6379")))
        .hasMessageContaining("PARLEY_REDIS_URL");
  }

  @Test
  void durationsTakeUnits() {
    assertThat(ConfigLoader.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(ConfigLoader.parseDuration("90")).isEqualTo(Duration.ofSeconds(90));
    assertThat(ConfigLoader.parseDuration("15m")).isEqualTo(Duration.ofMinutes(15));
    assertThat(ConfigLoader.parseDuration("30d")).isEqualTo(Duration.ofDays(30));
  }

  @Test
  void theApiKeyNeverAppearsInTheConfigsText() {
    ParleyConfig config = ConfigLoader.fromMap(Map.of("PARLEY_UPSTREAM_API_KEY", "sk-very-secret"));
    assertThat(config.upstreamApiKey()).isEqualTo("sk-very-secret");
    assertThat(config.toString()).doesNotContain("sk-very-secret");
  }

  @Test
  void clientKeysAreHashedAndValidated() {
    ParleyConfig config = ConfigLoader.fromMap(Map.of("PARLEY_API_KEYS", "acme=sk-a, globex=sk-b"));
    assertThat(config.apiKeys().open()).isFalse();
    assertThat(config.apiKeys().tenantFor("sk-a")).isEqualTo("acme");
    assertThat(config.apiKeys().tenantFor("sk-c")).isNull();
    assertThat(config.apiKeys().tenantsByHash().keySet()).noneMatch(k -> k.contains("sk-"));
    assertThat(config.toString()).doesNotContain("sk-a");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_API_KEYS", "no-equals-sign")))
        .hasMessageContaining("PARLEY_API_KEYS");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_API_KEYS", "bad tenant!=sk-a")))
        .hasMessageContaining("PARLEY_API_KEYS");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_API_KEYS", "a=sk-a", "PARLEY_UPSTREAM_AUTH", "passthrough")))
        .hasMessageContaining("PARLEY_UPSTREAM_AUTH");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_API_KEYS_FILE", "/nonexistent/keys.json")))
        .hasMessageContaining("PARLEY_API_KEYS_FILE");
  }

  @Test
  void shutdownTimingsDefaultTo5And30SecondsAndAllowZero() {
    ParleyConfig defaults = ConfigLoader.fromMap(Map.of());
    assertThat(defaults.shutdownDelay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(defaults.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
    ParleyConfig quick = ConfigLoader.fromMap(Map.of("PARLEY_SHUTDOWN_DELAY", "0", "PARLEY_SHUTDOWN_GRACE", "2m"));
    assertThat(quick.shutdownDelay()).isZero();
    assertThat(quick.shutdownGrace()).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_SHUTDOWN_GRACE", "-1s")))
        .hasMessageContaining("PARLEY_SHUTDOWN_GRACE");
  }

  @Test
  void unknownParleyVariablesAreReported() {
    assertThat(ConfigLoader.unknownVariables(Map.of("PARLEY_PORT", "1", "PARLEY_CONFIG", "x", "PARLEY_REDIS_ULR", "r",
        "HOME", "/root"))).containsExactly("PARLEY_REDIS_ULR");
  }

  @Test
  void mcpPassthroughNeedsAResponsesProvider() {
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_MCP_PASSTHROUGH", "true")))
        .hasMessageContaining("PARLEY_MCP_PASSTHROUGH");
    assertThat(ConfigLoader.fromMap(Map.of("PARLEY_UPSTREAM_URL", "http://p/v1", "PARLEY_UPSTREAM_KIND", "responses",
        "PARLEY_MCP_PASSTHROUGH", "true")).mcp().passthrough()).isTrue();
  }

  @Test
  void mcpServerHeadersAreReadFromTheEnvironmentAndNeverPrinted() {
    ParleyConfig config = ConfigLoader.fromMap(Map.of("PARLEY_MCP_SERVERS",
        "{\"vault\":{\"url\":\"https://vault.example/mcp\",\"headers\":{\"Authorization\":\"env:TOKEN\"}}}",
        "TOKEN", "Bearer s3cret"));
    assertThat(config.mcp().servers().get("vault").headers()).containsEntry("Authorization", "Bearer s3cret");
    assertThat(config.mcp().toString()).doesNotContain("s3cret");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_MCP_SERVERS",
        "{\"vault\":{\"url\":\"https://vault.example/mcp\",\"headers\":{\"Authorization\":\"env:UNSET_X\"}}}")))
        .hasMessageContaining("UNSET_X");
  }

  @Test
  void hostedToolBackendsAreASearxngUrlOrAToolOfARegisteredMcpServer() {
    String servers = "{\"sandbox\":{\"url\":\"http://sandbox:9000/mcp\",\"headers\":{\"Authorization\":\"env:TOKEN\"}}}";
    ParleyConfig config = ConfigLoader.fromMap(Map.of("PARLEY_WEB_SEARCH_BACKEND", "searxng:http://searxng:8080/",
        "PARLEY_CODE_INTERPRETER_BACKEND", "mcp:sandbox/run_python", "PARLEY_MCP_SERVERS", servers,
        "TOKEN", "Bearer s3cret", "PARLEY_WEB_SEARCH_RESULTS", "high=20"));
    assertThat(config.hosted().webSearch()).isEqualTo(new HostedToolsConfig.Searxng("http://searxng:8080"));
    assertThat(config.hosted().codeInterpreter().tool()).isEqualTo("run_python");
    assertThat(config.hosted().codeInterpreter().server().url()).isEqualTo("http://sandbox:9000/mcp");
    assertThat(config.hosted().codeInterpreter().toString()).doesNotContain("s3cret");
    assertThat(config.hosted().webSearchResults()).isEqualTo(new HostedToolsConfig.ResultCounts(3, 5, 20));

    ParleyConfig byMcp = ConfigLoader.fromMap(Map.of("PARLEY_WEB_SEARCH_BACKEND", "mcp:sandbox/search",
        "PARLEY_MCP_SERVERS", servers, "TOKEN", "t"));
    assertThat(byMcp.hosted().webSearch()).isInstanceOf(HostedToolsConfig.McpTool.class);
    assertThat(ConfigLoader.fromMap(Map.of()).hosted()).isEqualTo(HostedToolsConfig.NONE);

    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_CODE_INTERPRETER_BACKEND", "mcp:nowhere/run")))
        .hasMessageContaining("PARLEY_CODE_INTERPRETER_BACKEND").hasMessageContaining("mcp_servers");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_CODE_INTERPRETER_BACKEND", "searxng:http://s")))
        .hasMessageContaining("PARLEY_CODE_INTERPRETER_BACKEND");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_WEB_SEARCH_BACKEND", "google")))
        .hasMessageContaining("PARLEY_WEB_SEARCH_BACKEND");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_WEB_SEARCH_BACKEND", "searxng:ftp://s")))
        .hasMessageContaining("PARLEY_WEB_SEARCH_BACKEND");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_WEB_SEARCH_RESULTS", "huge=3")))
        .hasMessageContaining("PARLEY_WEB_SEARCH_RESULTS");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("PARLEY_WEB_SEARCH_RESULTS", "low=0")))
        .hasMessageContaining("PARLEY_WEB_SEARCH_RESULTS");
  }
}
