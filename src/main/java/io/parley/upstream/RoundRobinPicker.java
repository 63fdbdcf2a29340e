package io.parley.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Each call to the next replica that is up; no affinity, so the placement is always {@code miss}. */
final class RoundRobinPicker implements ReplicaPicker {

  private final List<Replica> replicas;
  private final AtomicInteger next = new AtomicInteger();

  RoundRobinPicker(List<Replica> replicas) {
    this.replicas = List.copyOf(replicas);
  }

  @Override
  public Route pick(String routingKey) {
    int n = replicas.size();
    int start = Math.floorMod(next.getAndIncrement(), n);
    List<Replica> up = new ArrayList<>(n);
    List<Replica> down = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Replica r = replicas.get((start + i) % n);
      (r.isUp() ? up : down).add(r);
    }
    up.addAll(down);
    return new Route(up, null, Placement.MISS);
  }

  @Override
  public List<Replica> replicas() {
    return replicas;
  }
}
