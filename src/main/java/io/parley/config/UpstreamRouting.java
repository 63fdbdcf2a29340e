package io.parley.config;

import java.time.Duration;

/**
 * How requests are spread over several replicas of one model server ({@code PARLEY_UPSTREAM_URL} listing
 * more than one URL).
 *
 * @param affinity       {@code true}: every turn of a chain goes to one replica (rendezvous hashing), so
 *                       its prompt cache stays hot; {@code false}: round robin
 * @param maxLoadFactor  a replica with more than this many times the average in-flight requests is passed over
 * @param healthInterval how often each replica's {@code GET /models} is checked
 */
public record UpstreamRouting(boolean affinity, double maxLoadFactor, Duration healthInterval) {

  public static final UpstreamRouting DEFAULT = new UpstreamRouting(true, 1.25, Duration.ofSeconds(10));

  public String mode() {
    return affinity ? "affinity" : "round_robin";
  }
}
