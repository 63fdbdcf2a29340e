package io.parley.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of masters formed from {@link RedisProcesses#clusterNode()}s the way
 * {@code redis-cli --cluster create} would (which the test dependency does not ship): slots split evenly
 * with CLUSTER ADDSLOTS (6.2 has no ADDSLOTSRANGE), then CLUSTER MEET. Also moves one slot between
 * nodes step by step, as {@code redis-cli --cluster reshard} does, so a test can act between the steps.
 */
public final class RedisClusterNodes {

  public static final int SLOTS = 16384;

  private final List<RedisProcess> nodes;

  private RedisClusterNodes(List<RedisProcess> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  public static RedisClusterNodes form(List<RedisProcess> nodes) {
    for (int i = 0; i < nodes.size(); i++) {
      List<Object> addSlots = new ArrayList<>();
      addSlots.add("CLUSTER");
      addSlots.add("ADDSLOTS");
      for (int slot = SLOTS * i / nodes.size(); slot < SLOTS * (i + 1) / nodes.size(); slot++) {
        addSlots.add(slot);
      }
      try (RespClient client = new RespClient(nodes.get(i).port())) {
        client.send(addSlots);
      }
    }
    for (RedisProcess node : nodes.subList(1, nodes.size())) {
      nodes.get(0).call("CLUSTER", "MEET", "127.0.0.1", node.port());
    }
    RedisClusterNodes cluster = new RedisClusterNodes(nodes);
    cluster.awaitAgreement();
    return cluster;
  }

  public List<RedisProcess> nodes() {
    return nodes;
  }

  /** The seed URLs for {@code redis_url}, comma-separated. */
  public String urls() {
    return nodes.stream().map(RedisProcess::url).collect(Collectors.joining(","));
  }

  /** Waits until every node sees every node, the cluster state is ok and all agree who owns each slot. */
  public void awaitAgreement() {
    RedisProcesses.await(() -> {
      String slots = null;
      for (RedisProcess node : nodes) {
        String info = (String) node.call("CLUSTER", "INFO");
        if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + nodes.size())) {
          return false;
        }
        String view = slotOwners(node);
        if (slots != null && !slots.equals(view)) {
          return false;
        }
        slots = view;
      }
      return true;
    }, 20_000, "the cluster nodes did not agree on the slot map");
  }

  /** A node's view of who owns what: its CLUSTER NODES lines reduced to "id slots...", sorted. */
  private static String slotOwners(RedisProcess node) {
    String nodesReply = (String) node.call("CLUSTER", "NODES");
    List<String> owners = new ArrayList<>();
    for (String line : nodesReply.split("\n")) {
      String[] fields = line.trim().split(" ");
      if (fields.length < 8) {
        continue;
      }
      StringBuilder owned = new StringBuilder(fields[0]);
      for (int i = 8; i < fields.length; i++) {
        if (!fields[i].startsWith("[")) {
          owned.append(' ').append(fields[i]);
        }
      }
      owners.add(owned.toString());
    }
    owners.sort(null);
    return String.join("|", owners);
  }

  public static String id(RedisProcess node) {
    return (String) node.call("CLUSTER", "MYID");
  }

  public int slotOf(String key) {
    return ((Long) nodes.get(0).call("CLUSTER", "KEYSLOT", key)).intValue();
  }

  /** The node that serves {@code slot}, asked of each node about itself. */
  public RedisProcess owner(int slot) {
    for (RedisProcess node : nodes) {
      @SuppressWarnings("unchecked")
      List<List<Object>> ranges = (List<List<Object>>) node.call("CLUSTER", "SLOTS");
      String myId = id(node);
      for (List<Object> range : ranges) {
        List<?> master = (List<?>) range.get(2);
        if ((Long) range.get(0) <= slot && slot <= (Long) range.get(1) && myId.equals(master.get(2))) {
          return node;
        }
      }
    }
    throw new IllegalStateException("no node owns slot " + slot);
  }

  /** Step 1 of a move: the target imports the slot, the source migrates it; both then answer ASK for keys not (yet) theirs. */
  public void beginMigration(int slot, RedisProcess from, RedisProcess to) {
    to.call("CLUSTER", "SETSLOT", slot, "IMPORTING", id(from));
    from.call("CLUSTER", "SETSLOT", slot, "MIGRATING", id(to));
  }

  public List<String> keysIn(int slot, RedisProcess node) {
    @SuppressWarnings("unchecked")
    List<String> keys = (List<String>) node.call("CLUSTER", "GETKEYSINSLOT", slot, 1000);
    return keys;
  }

  /** Step 2, repeated: MIGRATE moves these keys (values and TTLs) from the source to the target. */
  public void moveKeys(RedisProcess from, RedisProcess to, List<String> keys) {
    List<Object> migrate = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", to.port(), "", 0, 5000, "KEYS"));
    migrate.addAll(keys);
    try (RespClient client = new RespClient(from.port())) {
      client.send(migrate);
    }
  }

  /** Step 3: the slot is the target's, told to the target first, then to every other node. */
  public void finishMigration(int slot, RedisProcess to) {
    String target = id(to);
    to.call("CLUSTER", "SETSLOT", slot, "NODE", target);
    for (RedisProcess node : nodes) {
      if (node != to) {
        node.call("CLUSTER", "SETSLOT", slot, "NODE", target);
      }
    }
    awaitAgreement();
  }
}
