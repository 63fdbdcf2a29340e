package io.parley.upstream;

import io.parley.config.UpstreamRouting;

import java.util.ArrayList;
import java.util.List;

/** Chooses the replica for each provider call. Shared by all event loops, so implementations are thread-safe. */
public interface ReplicaPicker {

  /** @param routingKey what keeps a chain together ({@code prompt_cache_key} or the chain's id); may be {@code null} */
  Route pick(String routingKey);

  List<Replica> replicas();

  /** One replica needs no choosing; several are routed by affinity or round robin, as configured. */
  static ReplicaPicker of(List<String> urls, UpstreamRouting routing) {
    List<Replica> replicas = new ArrayList<>();
    for (String url : urls) {
      replicas.add(new Replica(replicas.size(), url));
    }
    if (replicas.size() == 1) {
      return new SingleReplica(replicas.get(0), routing.affinity());
    }
    RoundRobinPicker roundRobin = new RoundRobinPicker(replicas);
    return routing.affinity() ? new RendezvousPicker(replicas, routing.maxLoadFactor(), roundRobin) : roundRobin;
  }
}
