package io.parley.upstream;

import java.util.List;

/** The one-URL case: always the same route, decided once, no failover. */
final class SingleReplica implements ReplicaPicker {

  private final Replica replica;
  private final Route route;

  SingleReplica(Replica replica, boolean affinity) {
    this.replica = replica;
    this.route = affinity ? new Route(List.of(replica), replica, Placement.HIT) : new Route(List.of(replica), null, Placement.MISS);
  }

  @Override
  public Route pick(String routingKey) {
    return route;
  }

  @Override
  public List<Replica> replicas() {
    return List.of(replica);
  }
}
