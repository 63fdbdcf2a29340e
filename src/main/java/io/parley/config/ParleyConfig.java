package io.parley.config;

import io.parley.auth.ApiKeys;
import io.parley.limit.Limits;

import java.time.Duration;

/**
 * Everything Parley reads from {@code conf/parley.json} and {@code PARLEY_*} variables, parsed and
 * validated once at start-up and passed by constructor from then on.
 *
 * @param upstreamUrl OpenAI-compatible base URL ending in {@code /v1}; {@code null} means the built-in mock
 * @param upstreamKind {@code chat} (Chat Completions) or {@code responses} (the provider speaks the Responses API)
 * @param redisUrl    {@code null} means the in-memory store
 * @param shutdownDelay how long {@code /readyz} answers 503 before the listeners close, on SIGTERM
 * @param shutdownGrace how long in-flight requests and streams may take to finish once the listeners are closed
 */
public record ParleyConfig(
    String host,
    int port,
    int eventLoops,
    String upstreamUrl,
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
    long maxBodyBytes,
    ApiKeys apiKeys,
    Limits defaultLimits,
    Duration shutdownDelay,
    Duration shutdownGrace,
    Duration backgroundLease,
    Duration websocketMaxAge,
    int maxStreamsPerTenant) {

  public boolean mockUpstream() {
    return upstreamUrl == null;
  }

  public boolean redisState() {
    return redisUrl != null;
  }

  public ParleyConfig withUpstreamUrl(String url) {
    return new ParleyConfig(host, port, eventLoops, url, upstreamKind, upstreamApiKey, upstreamConnectTimeout,
        upstreamIdleTimeout, upstreamMaxConnections, redisUrl, redisType, redisMasterName, stateTtl, memoryMaxEntries,
        maxBodyBytes, apiKeys, defaultLimits, shutdownDelay, shutdownGrace, backgroundLease, websocketMaxAge, maxStreamsPerTenant);
  }

  /** The API key is a secret: never let a log line of the config print it. */
  @Override
  public String toString() {
    return "ParleyConfig[host=" + host + ", port=" + port + ", eventLoops=" + eventLoops
        + ", upstream=" + (upstreamUrl == null ? "mock" : upstreamUrl) + " (" + upstreamKind + ")"
        + ", upstreamApiKey=" + (upstreamApiKey == null ? "unset" : "set")
        + ", state=" + (redisUrl == null ? "memory" : "redis")
        + ", stateTtl=" + stateTtl + ", maxBodyBytes=" + maxBodyBytes
        + ", clientKeys=" + (apiKeys.passthrough() ? "passthrough" : apiKeys.tenantsByHash().size())
        + ", shutdownDelay=" + shutdownDelay + ", shutdownGrace=" + shutdownGrace + "]";
  }
}
