package io.parley.metrics;

/**
 * Parley's meters read at one instant, counts since start: what the operator console turns into rates and
 * percentiles between two readings. Only {@code /v1} requests are counted (not probes, scrapes or the console).
 *
 * @param bucketsMs      the upper bounds of the request-duration histogram, in milliseconds
 * @param bucketCounts   requests that took at most each bound (cumulative, as Prometheus buckets)
 * @param activeStreams  streams being relayed now (a gauge, not a count)
 * @param affinityMoves  provider calls that went to another replica than their chain's (down or overloaded)
 */
public record GatewayFigures(long atMillis, long requests, long serverErrors, long upstreamErrors, double[] bucketsMs,
    long[] bucketCounts, long activeStreams, long cacheHits, long cacheMisses, long affinityHits, long affinityMoves,
    long affinityMisses) {
}
