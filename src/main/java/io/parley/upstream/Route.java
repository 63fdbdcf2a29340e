package io.parley.upstream;

import java.util.List;

/**
 * Where one provider call goes: the replicas to try, in order (the first, then once the second if the first
 * fails before anything was streamed), and the replica the routing key ranks first ({@code null} when
 * there is no affinity: round robin, or no key).
 */
public record Route(List<Replica> order, Replica preferred, Placement placement) {

  public Route {
    order = List.copyOf(order);
  }

  Replica first() {
    return order.get(0);
  }

  /** The replica to retry on, or {@code null}. */
  Replica fallback() {
    return order.size() > 1 ? order.get(1) : null;
  }

  /** What the header says once the call was retried on {@link #fallback()}: the first choice is down now. */
  Placement retried() {
    if (preferred == null) {
      return Placement.MISS;
    }
    if (fallback() == preferred) {
      return Placement.HIT;
    }
    return Placement.moved(placement.reason() != null ? placement.reason() : Placement.DOWN);
  }
}
