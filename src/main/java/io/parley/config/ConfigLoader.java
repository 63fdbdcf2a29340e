package io.parley.config;

import io.vertx.core.json.DecodeException;
import io.parley.auth.ApiKeys;
import io.parley.limit.Limits;
import io.parley.protocol.ContextWindows;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Builds {@link ParleyConfig} from a JSON file overlaid by environment variables. A key {@code foo_bar}
 * in the file is overridden by {@code PARLEY_FOO_BAR}. Runs once, before any event loop exists, so
 * reading the file synchronously is fine here.
 */
public final class ConfigLoader {

  public static final String CONFIG_PATH_ENV = "PARLEY_CONFIG";

  /** Every conf key Parley reads; {@code PARLEY_<KEY>} is its variable. Reading any other key is a bug. */
  public static final List<String> KEYS = List.of("host", "port", "event_loops", "upstream_url", "upstream_kind",
      "upstream_api_key", "upstream_connect_timeout", "upstream_idle_timeout", "upstream_max_connections",
      "redis_url", "redis_type", "redis_master_name", "state_ttl", "memory_max_entries", "memory_max_bytes",
      "max_body_bytes", "shutdown_delay", "shutdown_grace", "api_keys", "api_keys_file", "upstream_auth", "rate_limit_rpm",
      "rate_limit_tpm", "background_lease", "websocket_max_age", "max_streams_per_tenant", "upstream_routing",
      "upstream_max_load_factor", "upstream_health_interval", "mock_replicas",
      "context_windows", "default_context_window", "context_cache_bytes", "mcp_allow_private_networks", "mcp_servers",
      "mcp_allowed_urls", "mcp_call_timeout", "mcp_max_rounds", "mcp_turn_timeout", "mcp_parallel_calls",
      "mcp_passthrough", "redis_timeout", "store_retry_budget", "upstream_retry_budget",
      "compaction_keys", "prompts_dir", "transport",
      "idempotency_ttl", "idempotency_wait", "admin_key", "recent_responses_max",
      "web_search_backend", "web_search_results", "web_search_timeout", "code_interpreter_backend",
      "files_dir", "files_max_bytes", "files_ttl", "file_inputs", "chain_check");
  private static final String DEFAULT_PATH = "conf/parley.json";

  private final JsonObject file;
  private final Map<String, String> env;

  ConfigLoader(JsonObject file, Map<String, String> env) {
    this.file = file;
    this.env = env;
  }

  /** Reads {@code $PARLEY_CONFIG} or {@code conf/parley.json} (optional unless named explicitly). */
  public static ParleyConfig load(Map<String, String> env) {
    String named = env.get(CONFIG_PATH_ENV);
    Path path = Path.of(named != null ? named : DEFAULT_PATH);
    JsonObject file = new JsonObject();
    if (Files.exists(path)) {
      try {
        file = new JsonObject(Files.readString(path));
      } catch (IOException | DecodeException e) {
        throw new ConfigException("cannot read " + path + ": " + e.getMessage());
      }
    } else if (named != null) {
      throw new ConfigException(CONFIG_PATH_ENV + ": no such file " + path);
    }
    return new ConfigLoader(file, env).build();
  }

  public static ParleyConfig fromMap(Map<String, String> env) {
    return new ConfigLoader(new JsonObject(), env).build();
  }

  ParleyConfig build() {
    List<String> upstreams = upstreamUrls();
    String redis = string("redis_url", null);
    if (redis != null && redis.isBlank()) {
      redis = null;
    }
    if (redis != null) {
      for (String endpoint : redis.split(",")) {
        String e = endpoint.trim();
        if (!(e.startsWith("redis://") || e.startsWith("rediss://") || e.startsWith("unix://"))) {
          throw invalid("redis_url", "each URL must start with redis://, rediss:// or unix://");
        }
      }
    }
    return new ParleyConfig(
        string("host", "0.0.0.0"),
        integer("port", 8080, 0, 65535),
        integer("event_loops", Runtime.getRuntime().availableProcessors(), 1, 1024),
        upstreams,
        routing(),
        upstreamKind(upstreams),
        string("upstream_api_key", null),
        duration("upstream_connect_timeout", Duration.ofSeconds(10)),
        duration("upstream_idle_timeout", Duration.ofSeconds(300)),
        integer("upstream_max_connections", 256, 1, 100_000),
        redis,
        redisType(),
        string("redis_master_name", "mymaster"),
        duration("state_ttl", Duration.ofDays(30)),
        integer("memory_max_entries", 100_000, 1, Integer.MAX_VALUE),
        // A quarter of the heap unless set: turns vary in size, so a count alone cannot keep the store in memory.
        longValue("memory_max_bytes", Runtime.getRuntime().maxMemory() / 4, 1024 * 1024, Long.MAX_VALUE),
        longValue("max_body_bytes", 20L * 1024 * 1024, 1024, Integer.MAX_VALUE),
        ApiKeysLoader.load(string("api_keys", null), string("api_keys_file", null), string("upstream_auth", null)),
        new Limits(longValue("rate_limit_rpm", 0, 0, Long.MAX_VALUE), longValue("rate_limit_tpm", 0, 0, Long.MAX_VALUE)),
        duration("shutdown_delay", Duration.ofSeconds(5), true),
        duration("shutdown_grace", Duration.ofSeconds(30), true),
        duration("background_lease", Duration.ofSeconds(30)),
        duration("websocket_max_age", Duration.ofMinutes(60)),
        integer("max_streams_per_tenant", 0, 0, 1_000_000),

        integer("mock_replicas", 1, 1, 64),
        contextWindows(),
        longValue("context_cache_bytes", 64L * 1024 * 1024, 0, Long.MAX_VALUE),
        mcp(),
        // In a cluster the client itself retries TRYAGAIN (a slot migrating) with backoff for up to ~2.5 s.
        new Resilience(duration("redis_timeout", redisType().equals("cluster") ? Duration.ofSeconds(3)
                : Resilience.DEFAULT.redisTimeout()),
            duration("store_retry_budget", Resilience.DEFAULT.storeRetryBudget(), true),
            duration("upstream_retry_budget", Resilience.DEFAULT.upstreamRetryBudget(), true)),
        compactionKeys(),
        PromptsLoader.load(java.nio.file.Path.of(string("prompts_dir", "conf/prompts"))),
        string("transport", "auto"),
        duration("idempotency_ttl", Duration.ofHours(24)),
        duration("idempotency_wait", Duration.ofMinutes(10)),
        admin(),
        hosted(),
        files(),
        chainCheckConcurrent());
  }

  /**
   * {@code concurrent}: a chain held in the context cache is checked against the store while the provider is
   * called; {@code before}: the check comes first, as before issue 19 (kept to measure one against the other).
   */
  private boolean chainCheckConcurrent() {
    String mode = string("chain_check", "concurrent").toLowerCase(Locale.ROOT);
    if (!mode.equals("concurrent") && !mode.equals("before")) {
      throw invalid("chain_check", "must be 'concurrent' or 'before'");
    }
    return mode.equals("concurrent");
  }

  /** The admin key is hashed as soon as it is read, like client keys; a short one is refused. */
  private AdminConfig admin() {
    String key = string("admin_key", null);
    if (key != null && key.isEmpty()) {
      key = null;
    }
    if (key != null && key.length() < 16) {
      throw invalid("admin_key", "must be at least 16 characters (it opens every tenant's data)");
    }
    return new AdminConfig(key == null ? null : ApiKeys.sha256(key), integer("recent_responses_max", 1000, 0, 100_000));
  }

  /**
   * {@code id:base64key,...}: 32-byte AES keys that seal compaction items, the first sealing and all opening
   * (to rotate, put the new key first and keep the old one until its items are no longer sent).
   */
  private java.util.Map<String, byte[]> compactionKeys() {
    java.util.Map<String, byte[]> keys = new java.util.LinkedHashMap<>();
    String listed = string("compaction_keys", null);
    if (listed == null || listed.isBlank()) {
      return keys;
    }
    for (String pair : listed.split(",")) {
      int colon = pair.indexOf(':');
      byte[] key;
      try {
        key = colon <= 0 ? null : java.util.Base64.getDecoder().decode(pair.substring(colon + 1).trim());
      } catch (IllegalArgumentException e) {
        key = null;
      }
      if (key == null || key.length != 32) {
        throw invalid("compaction_keys", "expected id:key pairs separated by commas, each key 32 bytes in base64"
            + " (e.g. from 'openssl rand -base64 32')");
      }
      keys.put(pair.substring(0, colon).trim(), key);
    }
    return keys;
  }

  /** The backends of hosted tools; an MCP backend names a server of {@code mcp_servers} by its label. */
  private HostedToolsConfig hosted() {
    Map<String, McpConfig.Server> servers = mcpServers();
    String search = string("web_search_backend", "");
    HostedToolsConfig.Backend webSearch = null;
    if (search.startsWith("searxng:")) {
      String url = search.substring("searxng:".length()).trim();
      if (!url.matches("https?://[^\\s/?#]+[^\\s?#]*")) {
        throw invalid("web_search_backend", "expected searxng:<http(s) base URL of the instance>");
      }
      webSearch = new HostedToolsConfig.Searxng(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } else if (!search.isEmpty()) {
      webSearch = mcpTool("web_search_backend", search, servers, "searxng:<url> or mcp:<server label>/<tool name>");
    }
    String code = string("code_interpreter_backend", "");
    HostedToolsConfig.McpTool codeInterpreter = code.isEmpty() ? null
        : mcpTool("code_interpreter_backend", code, servers, "mcp:<server label>/<tool name>");
    return new HostedToolsConfig(webSearch, resultCounts(), duration("web_search_timeout", HostedToolsConfig.NONE.webSearchTimeout()),
        codeInterpreter);
  }

  private HostedToolsConfig.McpTool mcpTool(String key, String value, Map<String, McpConfig.Server> servers, String expected) {
    int slash = value.indexOf('/');
    if (!value.startsWith("mcp:") || slash < 0 || slash == value.length() - 1 || slash == "mcp:".length()) {
      throw invalid(key, "expected " + expected + " (got '" + value + "')");
    }
    String label = value.substring("mcp:".length(), slash).trim();
    McpConfig.Server server = servers.get(label);
    if (server == null) {
      throw invalid(key, "no MCP server '" + label + "' in PARLEY_MCP_SERVERS (conf key 'mcp_servers'): register it there");
    }
    return new HostedToolsConfig.McpTool(label, server, value.substring(slash + 1).trim());
  }

  /** {@code low=3,medium=5,high=10}; sizes left out keep their defaults. */
  private HostedToolsConfig.ResultCounts resultCounts() {
    String listed = string("web_search_results", "");
    Map<String, Integer> counts = new java.util.HashMap<>(Map.of("low", HostedToolsConfig.ResultCounts.DEFAULT.low(),
        "medium", HostedToolsConfig.ResultCounts.DEFAULT.medium(), "high", HostedToolsConfig.ResultCounts.DEFAULT.high()));
    for (String pair : listed.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String size = eq < 0 ? "" : pair.substring(0, eq).trim();
      try {
        int count = Integer.parseInt(pair.substring(eq + 1).trim());
        if (!counts.containsKey(size) || count < 1 || count > 50) {
          throw new NumberFormatException();
        }
        counts.put(size, count);
      } catch (RuntimeException e) {
        throw invalid("web_search_results", "expected low=N,medium=N,high=N with N from 1 to 50 (got '" + pair.trim() + "')");
      }
    }
    return new HostedToolsConfig.ResultCounts(counts.get("low"), counts.get("medium"), counts.get("high"));
  }

  private FilesConfig files() {
    String dir = string("files_dir", null);
    return new FilesConfig(dir == null || dir.isBlank() ? null : dir,
        longValue("files_max_bytes", 100L * 1024 * 1024, 1, Long.MAX_VALUE), duration("files_ttl", Duration.ofDays(30)),
        fileInputModes());
  }

  /** {@code native}, {@code text}, or a comma-separated list of {@code model=native|text} with an optional bare default. */
  private FileInputModes fileInputModes() {
    String listed = string("file_inputs", "native");
    boolean textByDefault = false;
    Map<String, Boolean> byModel = new java.util.HashMap<>();
    for (String entry : listed.split(",")) {
      String e = entry.trim();
      if (e.isEmpty()) {
        continue;
      }
      int eq = e.lastIndexOf('=');
      String mode = (eq < 0 ? e : e.substring(eq + 1)).trim().toLowerCase(Locale.ROOT);
      if (!mode.equals("native") && !mode.equals("text") || eq == 0) {
        throw invalid("file_inputs", "expected 'native', 'text' or model=native|text entries separated by commas (got '" + e + "')");
      }
      if (eq < 0) {
        textByDefault = mode.equals("text");
      } else {
        byModel.put(e.substring(0, eq).trim(), mode.equals("text"));
      }
    }
    return new FileInputModes(textByDefault, byModel);
  }

  private McpConfig mcp() {
    String allowed = string("mcp_allowed_urls", "");
    List<String> prefixes = new ArrayList<>();
    for (String prefix : allowed.replace("[", "").replace("]", "").replace("\"", "").split(",")) {
      if (!prefix.isBlank()) {
        prefixes.add(prefix.trim());
      }
    }
    return new McpConfig(bool("mcp_allow_private_networks", false), mcpServers(), prefixes,
        duration("mcp_call_timeout", Duration.ofSeconds(60)), integer("mcp_max_rounds", 16, 1, 1000),
        duration("mcp_turn_timeout", Duration.ofMinutes(10)), integer("mcp_parallel_calls", 4, 1, 64), mcpPassthrough());
  }

  private boolean mcpPassthrough() {
    boolean pass = bool("mcp_passthrough", false);
    if (pass && !"responses".equals(string("upstream_kind", "chat"))) {
      throw invalid("mcp_passthrough", "only a Responses-API provider (PARLEY_UPSTREAM_KIND=responses) can run mcp tools itself");
    }
    return pass;
  }

  /**
   * {@code {"label": {"url": "https://...", "headers": {"Authorization": "env:VAULT_TOKEN"}}}}: a header value
   * {@code env:NAME} is read from that environment variable, {@code file:/path} from that file, at start-up.
   */
  private Map<String, McpConfig.Server> mcpServers() {
    String listed = string("mcp_servers", null);
    if (listed == null || listed.isBlank()) {
      return Map.of();
    }
    Map<String, McpConfig.Server> servers = new java.util.LinkedHashMap<>();
    JsonObject all;
    try {
      all = new JsonObject(listed);
    } catch (RuntimeException e) {
      throw invalid("mcp_servers", "expected a JSON object of label -> {\"url\", \"headers\"}");
    }
    for (String label : all.fieldNames()) {
      if (!(all.getValue(label) instanceof JsonObject server) || !(server.getValue("url") instanceof String url)
          || !url.matches("https?://.+")) {
        throw invalid("mcp_servers", "server '" + label + "' needs an http(s) \"url\"");
      }
      Map<String, String> headers = new java.util.LinkedHashMap<>();
      JsonObject given = server.getValue("headers") instanceof JsonObject h ? h : new JsonObject();
      for (String name : given.fieldNames()) {
        headers.put(name, secret(label, name, String.valueOf(given.getValue(name))));
      }
      java.util.Set<String> tenants = new java.util.LinkedHashSet<>();
      if (server.getValue("tenants") instanceof io.vertx.core.json.JsonArray list) {
        list.forEach(t -> tenants.add(String.valueOf(t)));
      }
      servers.put(label, new McpConfig.Server(url, headers, java.util.Set.copyOf(tenants)));
    }
    return servers;
  }

  private String secret(String label, String header, String value) {
    if (value.startsWith("env:")) {
      String resolved = env.get(value.substring(4));
      if (resolved == null) {
        throw invalid("mcp_servers", "server '" + label + "' header '" + header + "' names the unset variable " + value.substring(4));
      }
      return resolved;
    }
    if (value.startsWith("file:")) {
      try {
        return java.nio.file.Files.readString(java.nio.file.Path.of(value.substring(5))).trim();
      } catch (java.io.IOException e) {
        throw invalid("mcp_servers", "server '" + label + "' header '" + header + "': cannot read " + value.substring(5));
      }
    }
    return value;
  }

  private boolean bool(String key, boolean fallback) {
    return parse(key, fallback, s -> switch (s.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException("must be true or false");
    });
  }

  /**
   * One URL, several comma-separated ones (replicas of one model server), or a JSON list in the file;
   * unset, blank or {@code mock} means the built-in mock.
   */
  private List<String> upstreamUrls() {
    String fromEnv = env.get("PARLEY_UPSTREAM_URL");
    Object value = fromEnv != null ? fromEnv : file.getValue("upstream_url");
    List<String> urls = new ArrayList<>();
    if (value instanceof JsonArray list) {
      for (Object url : list) {
        if (!(url instanceof String s)) {
          throw invalid("upstream_url", "a list must hold URL strings");
        }
        urls.add(s.trim());
      }
    } else if (value != null) {
      for (String url : value.toString().split(",")) {
        urls.add(url.trim());
      }
    }
    urls.removeIf(String::isBlank);
    if (urls.size() == 1 && urls.get(0).equalsIgnoreCase("mock")) {
      return List.of();
    }
    List<String> valid = urls.stream().map(ConfigLoader::validUpstreamUrl).distinct().toList();
    if (valid.size() != urls.size()) {
      throw invalid("upstream_url", "lists the same URL twice");
    }
    return valid;
  }

  private UpstreamRouting routing() {
    String mode = string("upstream_routing", "affinity").toLowerCase(Locale.ROOT);
    if (!mode.equals("affinity") && !mode.equals("round_robin")) {
      throw invalid("upstream_routing", "must be 'affinity' or 'round_robin'");
    }
    double factor = parse("upstream_max_load_factor", UpstreamRouting.DEFAULT.maxLoadFactor(), s -> {
      double v = Double.parseDouble(s);
      if (!(v >= 1.0 && v <= 100.0)) {
        throw new IllegalArgumentException("must be between 1.0 and 100");
      }
      return v;
    });
    return new UpstreamRouting(mode.equals("affinity"), factor,
        duration("upstream_health_interval", UpstreamRouting.DEFAULT.healthInterval()));
  }

  /** {@code model=tokens,model=tokens}; a name also covers the models it is a prefix of. */
  private ContextWindows contextWindows() {
    Map<String, Integer> windows = new java.util.HashMap<>();
    String listed = string("context_windows", null);
    if (listed != null && !listed.isBlank()) {
      for (String pair : listed.split(",")) {
        int eq = pair.lastIndexOf('=');
        try {
          int tokens = Integer.parseInt(pair.substring(eq + 1).trim());
          if (eq <= 0 || tokens <= 0) {
            throw new NumberFormatException();
          }
          windows.put(pair.substring(0, eq).trim(), tokens);
        } catch (RuntimeException e) {
          throw invalid("context_windows", "expected model=tokens pairs separated by commas (got '" + pair + "')");
        }
      }
    }
    return new ContextWindows(windows, integer("default_context_window", 0, 0, Integer.MAX_VALUE));
  }

  private String redisType() {
    String type = string("redis_type", "standalone").toLowerCase(Locale.ROOT);
    if (!type.equals("standalone") && !type.equals("sentinel") && !type.equals("cluster")) {
      throw invalid("redis_type", "must be 'standalone', 'sentinel' or 'cluster'");
    }
    return type;
  }

  /**
   * {@code PARLEY_*} variables that name no configuration key (typically a typo), for a start-up warning.
   * {@code PARLEY_CONFIG} names the file and is not a key.
   */
  public static Set<String> unknownVariables(Map<String, String> env) {
    Set<String> unknown = new TreeSet<>();
    for (String name : env.keySet()) {
      if (name.startsWith("PARLEY_") && !name.equals(CONFIG_PATH_ENV)
          && !KEYS.contains(name.substring("PARLEY_".length()).toLowerCase(Locale.ROOT))) {
        unknown.add(name);
      }
    }
    return unknown;
  }

  private String upstreamKind(List<String> upstreamUrls) {
    String kind = string("upstream_kind", "chat").toLowerCase(Locale.ROOT);
    if (!kind.equals("chat") && !kind.equals("responses")) {
      throw invalid("upstream_kind", "must be 'chat' or 'responses'");
    }
    if (upstreamUrls.isEmpty() && kind.equals("responses")) {
      throw invalid("upstream_kind", "the built-in mock speaks Chat Completions only; set PARLEY_UPSTREAM_URL");
    }
    return kind;
  }

  private static String validUpstreamUrl(String url) {
    String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    if (!(trimmed.startsWith("http://") || trimmed.startsWith("https://"))) {
      throw invalid("upstream_url", "must be an http(s) URL ending in /v1, or 'mock'");
    }
    try {
      java.net.URI uri = java.net.URI.create(trimmed);
      if (uri.getHost() == null) {
        throw invalid("upstream_url", "has no host");
      }
    } catch (IllegalArgumentException e) {
      throw invalid("upstream_url", "is not a valid URL");
    }
    return trimmed;
  }

  private String raw(String key) {
    if (!KEYS.contains(key)) {
      throw new IllegalStateException("configuration key '" + key + "' is missing from ConfigLoader.KEYS");
    }
    String fromEnv = env.get("PARLEY_" + key.toUpperCase(Locale.ROOT));
    if (fromEnv != null) {
      return fromEnv;
    }
    Object value = file.getValue(key);
    return value == null ? null : value.toString();
  }

  private String string(String key, String fallback) {
    String value = raw(key);
    return value == null ? fallback : value.trim();
  }

  private int integer(String key, int fallback, int min, int max) {
    return (int) longValue(key, fallback, min, max);
  }

  private long longValue(String key, long fallback, long min, long max) {
    return parse(key, fallback, s -> {
      long v = Long.parseLong(s);
      if (v < min || v > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max);
      }
      return v;
    });
  }

  private Duration duration(String key, Duration fallback) {
    return duration(key, fallback, false);
  }

  private Duration duration(String key, Duration fallback, boolean zeroAllowed) {
    return parse(key, fallback, s -> zeroAllowed && s.matches("0+(ms|s|m|h|d)?") ? Duration.ZERO : parseDuration(s));
  }

  private <T> T parse(String key, T fallback, Function<String, T> parser) {
    String value = raw(key);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return parser.apply(value.trim());
    } catch (RuntimeException e) {
      String why = e instanceof NumberFormatException ? "is not a number" : e.getMessage();
      throw invalid(key, why + " (got '" + value + "')");
    }
  }

  /** Accepts {@code 250ms}, {@code 30s}, {@code 15m}, {@code 12h}, {@code 30d}, or plain seconds. */
  static Duration parseDuration(String s) {
    String v = s.toLowerCase(Locale.ROOT);
    Duration d;
    if (v.endsWith("ms")) {
      d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
    } else if (v.endsWith("s")) {
      d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
    } else if (v.endsWith("m")) {
      d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
    } else if (v.endsWith("h")) {
      d = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
    } else if (v.endsWith("d")) {
      d = Duration.ofDays(Long.parseLong(v.substring(0, v.length() - 1)));
    } else {
      d = Duration.ofSeconds(Long.parseLong(v));
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("must be a positive duration like 30s, 15m, 30d");
    }
    return d;
  }

  private static ConfigException invalid(String key, String why) {
    return new ConfigException("invalid configuration PARLEY_" + key.toUpperCase(Locale.ROOT)
        + " (conf key '" + key + "'): " + why);
  }
}
