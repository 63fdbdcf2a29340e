package io.parley.admin;

import io.parley.metrics.GatewayFigures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * The console's live figures: the gateway's meters are read every few seconds, and each pair of readings
 * becomes one point (requests and errors per second, p50 and p99 latency, streams, context-cache hit ratio,
 * affinity moves). The last {@link #POINTS} points are kept, so a page opened now shows the last minutes at once.
 */
final class GatewayStats {

  static final long INTERVAL_MS = 2_000;
  static final int POINTS = 150;

  private final Supplier<GatewayFigures> meters;
  private final ArrayDeque<JsonObject> points = new ArrayDeque<>(POINTS);
  private GatewayFigures last;

  GatewayStats(Supplier<GatewayFigures> meters) {
    this.meters = meters;
  }

  /** Takes one reading; called by one timer, every {@link #INTERVAL_MS}. */
  void sample() {
    GatewayFigures now = meters.get();
    if (last != null) {
      JsonObject point = point(last, now);
      synchronized (points) {
        if (points.size() == POINTS) {
          points.removeFirst();
        }
        points.addLast(point);
      }
    }
    last = now;
  }

  JsonObject toJson() {
    JsonArray series = new JsonArray();
    synchronized (points) {
      points.forEach(series::add);
    }
    return new JsonObject().put("object", "gateway.stats").put("interval_ms", INTERVAL_MS).put("points", series);
  }

  static JsonObject point(GatewayFigures a, GatewayFigures b) {
    double seconds = Math.max(1, b.atMillis() - a.atMillis()) / 1000.0;
    long lookups = (b.cacheHits() - a.cacheHits()) + (b.cacheMisses() - a.cacheMisses());
    long[] counts = new long[b.bucketCounts().length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = Math.max(0, b.bucketCounts()[i] - a.bucketCounts()[i]);
    }
    long requests = Math.max(0, b.requests() - a.requests());
    return new JsonObject()
        .put("t", b.atMillis())
        .put("requests_per_s", round(requests / seconds))
        .put("errors_per_s", round((b.serverErrors() - a.serverErrors() + b.upstreamErrors() - a.upstreamErrors()) / seconds))
        .put("p50_ms", quantile(b.bucketsMs(), counts, 0.50))
        .put("p99_ms", quantile(b.bucketsMs(), counts, 0.99))
        .put("active_streams", b.activeStreams())
        .put("cache_hit_ratio", lookups == 0 ? null : round((double) (b.cacheHits() - a.cacheHits()) / lookups))
        .put("affinity_moves", b.affinityMoves() - a.affinityMoves());
  }

  /**
   * The {@code q} quantile of the requests counted in cumulative buckets, interpolated within its bucket
   * (as Prometheus' {@code histogram_quantile}); {@code null} with no requests, the top bound above it.
   */
  static Double quantile(double[] bounds, long[] cumulative, double q) {
    int last = cumulative.length - 1;
    long total = cumulative[last];
    if (total == 0) {
      return null;
    }
    double rank = q * total;
    for (int i = 0; i <= last; i++) {
      if (cumulative[i] >= rank) {
        double lower = i == 0 ? 0 : bounds[i - 1];
        long below = i == 0 ? 0 : cumulative[i - 1];
        long in = cumulative[i] - below;
        return round(lower + (bounds[i] - lower) * (in == 0 ? 1 : (rank - below) / in));
      }
    }
    return bounds[last];
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
