package io.parley.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Parley's Prometheus series, one registry per running gateway (shared by its event loops; Micrometer
 * meters are thread-safe). Gateway code reports plain facts here; only this class knows Micrometer.
 * Labels are bounded: routes are templates, statuses and outcomes are small fixed sets.
 */
public final class Metrics implements AutoCloseable {

  /** Histogram buckets for request, provider and store latencies: 1 ms to 5 min. */
  private static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)};

  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final AtomicInteger activeStreams = new AtomicInteger();
  private final Map<List<String>, Meter> meters = new ConcurrentHashMap<>();

  public Metrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    gc.bindTo(registry);
    Gauge.builder("parley.active.streams", activeStreams, AtomicInteger::get)
        .description("Responses streams being relayed to clients right now")
        .register(registry);
  }

  /**
   * Exports the context cache's lookups (hit or miss), evictions and size. The meters hold {@code cache}
   * weakly, as Micrometer's function meters do: the gateway keeps it alive.
   */
  /** {@code parley_transport_info{transport="io_uring"} 1}: which network transport this process runs on. */
  public void transport(String name) {
    Gauge.builder("parley.transport.info", () -> 1).description("The network transport under the event loops")
        .tag("transport", name).register(registry);
  }

  public void contextCache(CacheStatistics cache) {
    FunctionCounter.builder("parley.context.cache.lookups", cache, CacheStatistics::hits)
        .description("Chain lookups in the context cache, by result: a hit continues without reading history")
        .tags("result", "hit").register(registry);
    FunctionCounter.builder("parley.context.cache.lookups", cache, CacheStatistics::misses)
        .description("Chain lookups in the context cache, by result: a hit continues without reading history")
        .tags("result", "miss").register(registry);
    FunctionCounter.builder("parley.context.cache.evictions", cache, CacheStatistics::evictions)
        .description("Chains dropped from the context cache to stay within its size").register(registry);
    Gauge.builder("parley.context.cache.chains", cache, CacheStatistics::size)
        .description("Chains held in the context cache").register(registry);
  }

  /** One finished HTTP exchange; {@code route} is a template such as {@code /v1/responses/:id}. */
  public void httpRequest(String route, String method, int status, String tenant, long nanos) {
    counter("parley.http.requests", "HTTP requests answered, by route template, method, status and tenant",
        "route", route, "method", method, "status", Integer.toString(status), "tenant", tenant).increment();
    timer("parley.http.request.duration", "Time from request to the last byte of the response (streams included)",
        "route", route, "method", method).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A request refused by a tenant's limits; {@code kind} is {@code requests}, {@code tokens} or {@code streams}. */
  public void rateLimited(String tenant, String kind) {
    counter("parley.rate.limit.rejections", "Requests refused by per-tenant limits", "tenant", tenant, "kind", kind)
        .increment();
  }

  /** One provider call, from sending it to the end of its body or stream; outcome {@code ok}, {@code client_error}, {@code error}, {@code cancelled}. */
  public void upstreamRequest(String outcome, long nanos) {
    timer("parley.upstream.request.duration", "Provider calls, from request to the end of the answer or stream",
        "outcome", outcome).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A failed provider call; kind is one of {@code http_4xx}, {@code http_5xx}, {@code timeout}, {@code connect}, {@code bad_response}, {@code io}. */
  public void upstreamError(String kind) {
    counter("parley.upstream.errors", "Failed provider calls by kind", "kind", kind).increment();
  }

  /** Where one answered provider call went: {@code affinity-hit}, {@code moved} or {@code miss} (see {@code Placement}). */
  public void upstreamAffinity(String result) {
    counter("parley.upstream.affinity",
        "Provider calls by whether they reached the replica holding their chain's prompt cache", "result", result)
        .increment();
  }

  /** From the request's arrival to the first model output written to the client. */
  public void timeToFirstToken(long nanos) {
    timer("parley.stream.time.to.first.token", "Time from a streaming request's arrival to its first output delta")
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  public void streamStarted() {
    activeStreams.incrementAndGet();
  }

  public void streamEnded() {
    activeStreams.decrementAndGet();
  }

  /** One store call; backend {@code memory} or {@code redis}, outcome {@code ok}, {@code miss} or {@code error}. */
  public void storeOperation(String backend, String op, String outcome, long nanos) {
    timer("parley.store.operation.duration", "Response store calls by backend, operation and outcome",
        "backend", backend, "op", op, "outcome", outcome).record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * The figures the operator console charts, read from the same meters {@code /metrics} exports. Walks the
   * registry's meters: for a reader every few seconds, never for a request.
   */
  public GatewayFigures figures() {
    double[] bounds = new double[BUCKETS.length];
    for (int i = 0; i < bounds.length; i++) {
      bounds[i] = BUCKETS[i].toNanos() / 1e6;
    }
    long[] counts = new long[BUCKETS.length];
    long requests = 0;
    long serverErrors = 0;
    for (Counter counter : registry.find("parley.http.requests").counters()) {
      if (api(counter.getId().getTag("route"))) {
        long n = (long) counter.count();
        requests += n;
        serverErrors += counter.getId().getTag("status").startsWith("5") ? n : 0;
      }
    }
    for (Timer timer : registry.find("parley.http.request.duration").timers()) {
      if (api(timer.getId().getTag("route"))) {
        var buckets = timer.takeSnapshot().histogramCounts();
        for (int i = 0; i < buckets.length && i < counts.length; i++) {
          counts[i] += (long) buckets[i].count();
        }
      }
    }
    long upstreamErrors = 0;
    for (Counter counter : registry.find("parley.upstream.errors").counters()) {
      upstreamErrors += (long) counter.count();
    }
    return new GatewayFigures(System.currentTimeMillis(), requests, serverErrors, upstreamErrors, bounds, counts,
        activeStreams.get(), functionCount("parley.context.cache.lookups", "hit"),
        functionCount("parley.context.cache.lookups", "miss"), affinity("affinity-hit"), affinity("moved"), affinity("miss"));
  }

  private static boolean api(String route) {
    return route != null && route.startsWith("/v1/");
  }

  private long functionCount(String name, String result) {
    FunctionCounter counter = registry.find(name).tag("result", result).functionCounter();
    return counter == null ? 0 : (long) counter.count();
  }

  private long affinity(String result) {
    Counter counter = registry.find("parley.upstream.affinity").tag("result", result).counter();
    return counter == null ? 0 : (long) counter.count();
  }

  /** The Prometheus text exposition of every series. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * The counter for these labels, registered on first use. Meters are kept by name and label values, so a
   * request costs one map lookup per series instead of building, sorting and registering a meter id.
   */
  private Counter counter(String name, String description, String... tags) {
    return (Counter) meters.computeIfAbsent(key(name, tags),
        k -> Counter.builder(name).description(description).tags(tags).register(registry));
  }

  private Timer timer(String name, String description, String... tags) {
    return (Timer) meters.computeIfAbsent(key(name, tags),
        k -> Timer.builder(name).description(description).serviceLevelObjectives(BUCKETS).tags(tags).register(registry));
  }

  private static List<String> key(String name, String... tags) {
    String[] key = new String[tags.length + 1];
    key[0] = name;
    System.arraycopy(tags, 0, key, 1, tags.length);
    return Arrays.asList(key);
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
