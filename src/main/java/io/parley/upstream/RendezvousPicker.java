package io.parley.upstream;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Prefix-cache affinity: a routing key goes to the replica that ranks highest for it (rendezvous hashing),
 * so every turn of a chain lands where its prefix is cached. Bounded load: a replica with more than
 * {@code maxLoadFactor} times the average in-flight calls (+1) is passed over for the next in rank, as is
 * a replica that is down. A call without a key is spread round robin.
 */
final class RendezvousPicker implements ReplicaPicker {

  private final List<Replica> replicas;
  private final double maxLoadFactor;
  private final ReplicaPicker keyless;

  RendezvousPicker(List<Replica> replicas, double maxLoadFactor, ReplicaPicker keyless) {
    this.replicas = List.copyOf(replicas);
    this.maxLoadFactor = maxLoadFactor;
    this.keyless = keyless;
  }

  @Override
  public Route pick(String routingKey) {
    if (routingKey == null) {
      return keyless.pick(null);
    }
    List<Replica> ranked = rank(routingKey);
    double limit = loadLimit();
    Replica chosen = null;
    String reason = null;
    for (Replica r : ranked) {
      if (!r.isUp()) {
        reason = reason == null ? Placement.DOWN : reason;
      } else if (r.inFlight() > limit) {
        reason = reason == null ? Placement.OVERLOADED : reason;
      } else {
        chosen = r;
        break;
      }
    }
    Replica preferred = ranked.get(0);
    if (chosen == null) {
      // Nothing is up: try the key's own replica anyway rather than fail without a call.
      return new Route(upFirst(ranked, preferred), preferred, Placement.HIT);
    }
    return new Route(upFirst(ranked, chosen), preferred, chosen == preferred ? Placement.HIT : Placement.moved(reason));
  }

  /** Replicas by descending weight for the key. */
  List<Replica> rank(String routingKey) {
    long key = Rendezvous.hash(routingKey);
    List<Replica> ranked = new ArrayList<>(replicas);
    ranked.sort(Comparator.comparingLong((Replica r) -> Rendezvous.weight(key, r.seed())).reversed());
    return ranked;
  }

  /** More in-flight calls than this and a replica counts as overloaded. */
  private double loadLimit() {
    int total = 0;
    int up = 0;
    for (Replica r : replicas) {
      if (r.isUp()) {
        total += r.inFlight();
        up++;
      }
    }
    return up == 0 ? Double.MAX_VALUE : maxLoadFactor * total / up + 1;
  }

  /** {@code chosen}, then the other replicas that are up in rank order, then those that are down. */
  private static List<Replica> upFirst(List<Replica> ranked, Replica chosen) {
    List<Replica> order = new ArrayList<>(ranked.size());
    order.add(chosen);
    for (Replica r : ranked) {
      if (r != chosen && r.isUp()) {
        order.add(r);
      }
    }
    for (Replica r : ranked) {
      if (r != chosen && !r.isUp()) {
        order.add(r);
      }
    }
    return order;
  }

  @Override
  public List<Replica> replicas() {
    return replicas;
  }
}
