package io.parley.upstream;

/**
 * Whether a provider call went where the chain's prompt cache is: {@code affinity-hit} (the replica the
 * routing key ranks first), {@code moved} (another one, with the reason: {@code down} or
 * {@code overloaded}), or {@code miss} (round-robin mode, or a request with no routing key).
 */
public record Placement(String result, String reason) {

  public static final Placement HIT = new Placement("affinity-hit", null);
  public static final Placement MISS = new Placement("miss", null);
  public static final String DOWN = "down";
  public static final String OVERLOADED = "overloaded";

  static Placement moved(String reason) {
    return new Placement("moved", reason);
  }

  /** The {@code x-parley-cache} header value, e.g. {@code moved; reason=down}. */
  public String header() {
    return reason == null ? result : result + "; reason=" + reason;
  }
}
