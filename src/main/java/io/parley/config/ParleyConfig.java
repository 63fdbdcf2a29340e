package io.parley.config;

import io.parley.auth.ApiKeys;
import io.parley.limit.Limits;
import io.parley.protocol.ContextWindows;

import java.time.Duration;
import java.util.List;

/**
 * Everything Parley reads from {@code conf/parley.json} and {@code PARLEY_*} variables, parsed and
 * validated once at start-up and passed by constructor from then on.
 *
 * @param upstreamUrls OpenAI-compatible base URLs ending in {@code /v1}, one per replica of one model server;
 *                     empty means the built-in mock
 * @param upstreamRouting how requests are spread over the replicas
 * @param mockReplicas how many built-in mock replicas to start when no provider is configured
 * @param upstreamKind {@code chat} (Chat Completions) or {@code responses} (the provider speaks the Responses API)
 * @param redisUrl    {@code null} means the in-memory store
 * @param shutdownDelay how long {@code /readyz} answers 503 before the listeners close, on SIGTERM
 * @param shutdownGrace how long in-flight requests and streams may take to finish once the listeners are closed
 * @param idempotencyTtl how long a finished request's {@code Idempotency-Key} is remembered
 * @param idempotencyWait how long a request waits for the running request that holds its {@code Idempotency-Key}
 * @param admin       the operator console and its API (off without an admin key)
 * @param hosted      the backends Parley runs hosted tools ({@code web_search}, {@code code_interpreter}) on
 * @param chainCheckConcurrent whether a cached chain's store check runs alongside the provider call ({@code false}:
 *                    before it)
 */
public record ParleyConfig(
    String host,
    int port,
    int eventLoops,
    List<String> upstreamUrls,
    UpstreamRouting upstreamRouting,
    String upstreamKind,
    String upstreamApiKey,
    Duration upstreamConnectTimeout,
    Duration upstreamIdleTimeout,
    int upstreamMaxConnections,
    String redisUrl,
    String redisType,
    String redisMasterName,
    Duration stateTtl,
    int memoryMaxEntries,
    long memoryMaxBytes,
    long maxBodyBytes,
    ApiKeys apiKeys,
    Limits defaultLimits,
    Duration shutdownDelay,
    Duration shutdownGrace,
    Duration backgroundLease,
    Duration websocketMaxAge,
    int maxStreamsPerTenant,
    int mockReplicas,
    ContextWindows contextWindows,
    long contextCacheBytes,
    McpConfig mcp,
    Resilience resilience,
    java.util.Map<String, byte[]> compactionKeys,
    io.parley.protocol.Prompts prompts,
    String transport,
    Duration idempotencyTtl,
    Duration idempotencyWait,
    AdminConfig admin,
    HostedToolsConfig hosted,
    FilesConfig files,
    boolean chainCheckConcurrent) {

  public ParleyConfig {
    upstreamUrls = List.copyOf(upstreamUrls);
    compactionKeys = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(compactionKeys));
  }

  public boolean mockUpstream() {
    return upstreamUrls.isEmpty();
  }

  public boolean redisState() {
    return redisUrl != null;
  }

  public ParleyConfig withUpstreamUrls(List<String> urls) {
    return new ParleyConfig(host, port, eventLoops, urls, upstreamRouting, upstreamKind, upstreamApiKey, upstreamConnectTimeout,
        upstreamIdleTimeout, upstreamMaxConnections, redisUrl, redisType, redisMasterName, stateTtl, memoryMaxEntries,
        memoryMaxBytes, maxBodyBytes, apiKeys, defaultLimits, shutdownDelay, shutdownGrace, backgroundLease, websocketMaxAge,
        maxStreamsPerTenant, mockReplicas, contextWindows, contextCacheBytes, mcp, resilience, compactionKeys, prompts, transport,
        idempotencyTtl, idempotencyWait, admin, hosted, files, chainCheckConcurrent);
  }

  /** The API key is a secret: never let a log line of the config print it. */
  @Override
  public String toString() {
    return "ParleyConfig[host=" + host + ", port=" + port + ", eventLoops=" + eventLoops
        + ", upstream=" + (upstreamUrls.isEmpty() ? "mock x" + mockReplicas : String.join(",", upstreamUrls))
        + " (" + upstreamKind + (upstreamUrls.size() > 1 ? ", " + upstreamRouting.mode() : "") + ")"
        + ", upstreamApiKey=" + (upstreamApiKey == null ? "unset" : "set")
        + ", state=" + (redisUrl == null ? "memory" : "redis")
        + ", stateTtl=" + stateTtl + ", maxBodyBytes=" + maxBodyBytes
        + ", clientKeys=" + (apiKeys.passthrough() ? "passthrough" : apiKeys.tenantsByHash().size())
        + ", console=" + (admin.enabled() ? "on" : "off")
        + ", shutdownDelay=" + shutdownDelay + ", shutdownGrace=" + shutdownGrace + "]";
  }
}
