package io.parley.admin;

import io.parley.metrics.GatewayFigures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayStatsTest {

  private static final double[] BOUNDS = {1, 5, 10, 25};

  @Test
  void quantilesAreInterpolatedWithinTheirBucket() {
    assertThat(GatewayStats.quantile(BOUNDS, new long[] {0, 0, 0, 0}, 0.5)).isNull();
    assertThat(GatewayStats.quantile(BOUNDS, new long[] {10, 10, 10, 10}, 0.5)).isEqualTo(0.5);
    // 100 requests: 50 up to 5 ms (none up to 1), 50 between 10 and 25 ms.
    long[] counts = {0, 50, 50, 100};
    assertThat(GatewayStats.quantile(BOUNDS, counts, 0.50)).isEqualTo(5.0);
    assertThat(GatewayStats.quantile(BOUNDS, counts, 0.99)).isEqualTo(24.7);
  }

  @Test
  void aPointIsTheDifferenceOfTwoReadings() {
    GatewayFigures before = new GatewayFigures(10_000, 100, 1, 0, BOUNDS, new long[] {10, 50, 90, 100}, 0, 40, 10, 5, 0, 0);
    GatewayFigures after = new GatewayFigures(12_000, 120, 3, 1, BOUNDS, new long[] {10, 70, 110, 120}, 2, 58, 12, 9, 3, 0);

    JsonObject point = GatewayStats.point(before, after);

    assertThat(point.getDouble("requests_per_s")).isEqualTo(10.0);
    assertThat(point.getDouble("errors_per_s")).isEqualTo(1.5);
    assertThat(point.getDouble("p50_ms")).isEqualTo(3.0);
    assertThat(point.getLong("active_streams")).isEqualTo(2);
    assertThat(point.getDouble("cache_hit_ratio")).isEqualTo(0.9);
    assertThat(point.getLong("affinity_moves")).isEqualTo(3);
  }

  @Test
  void theLastPointsAreKept() {
    long[] clock = {0};
    GatewayStats stats = new GatewayStats(() -> new GatewayFigures(clock[0] += 2000, clock[0], 0, 0, BOUNDS,
        new long[4], 0, 0, 0, 0, 0, 0));
    for (int i = 0; i < GatewayStats.POINTS + 10; i++) {
      stats.sample();
    }
    JsonArray points = stats.toJson().getJsonArray("points");
    assertThat(points).hasSize(GatewayStats.POINTS);
    assertThat(points.getJsonObject(points.size() - 1).getLong("t")).isEqualTo(clock[0]);
  }
}
