package io.parley.upstream;

import io.parley.config.UpstreamRouting;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The routing decisions alone, without a server: rank, bounded load, replicas that are down, round robin. */
class ReplicaPickerTest {

  private static final List<String> URLS = List.of("http://a:8000/v1", "http://b:8000/v1", "http://c:8000/v1",
      "http://d:8000/v1");

  private static ReplicaPicker affinity() {
    return ReplicaPicker.of(URLS, new UpstreamRouting(true, 1.25, Duration.ofSeconds(10)));
  }

  @Test
  void aKeyAlwaysRanksTheSameReplicaFirstAndKeysSpreadEvenly() {
    ReplicaPicker picker = affinity();
    Map<Integer, Integer> perReplica = new HashMap<>();
    for (int k = 0; k < 4000; k++) {
      Route route = picker.pick("key-" + k);
      assertThat(route.placement()).isEqualTo(Placement.HIT);
      assertThat(affinity().pick("key-" + k).first().url()).as("another gateway agrees").isEqualTo(route.first().url());
      perReplica.merge(route.first().index(), 1, Integer::sum);
    }
    assertThat(perReplica.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1150));
  }

  @Test
  void anOverloadedReplicaIsPassedOverForTheNextInRank() {
    ReplicaPicker picker = affinity();
    Route usual = picker.pick("hot-chain");
    Replica preferred = usual.first();
    for (int i = 0; i < 3; i++) {
      preferred.callStarted();
    }
    // 3 in flight against an average of 0.75: more than 1.25 x 0.75 + 1.
    Route route = picker.pick("hot-chain");
    assertThat(route.placement()).isEqualTo(new Placement("moved", "overloaded"));
    assertThat(route.first()).isEqualTo(usual.order().get(1));
    assertThat(route.preferred()).isEqualTo(preferred);

    preferred.callFinished();
    assertThat(picker.pick("hot-chain").first()).as("2 against 0.5: over 1.625").isNotEqualTo(preferred);
    preferred.callFinished();
    assertThat(picker.pick("hot-chain").first()).as("1 against 0.25: within 1.3125").isEqualTo(preferred);
  }

  @Test
  void aReplicaThatIsDownIsPassedOverUntilItIsUpAgain() {
    ReplicaPicker picker = affinity();
    Route usual = picker.pick("chain");
    usual.first().healthy(false);
    Route route = picker.pick("chain");
    assertThat(route.placement()).isEqualTo(new Placement("moved", "down"));
    assertThat(route.first()).isEqualTo(usual.order().get(1));
    assertThat(route.order()).endsWith(usual.first());
    assertThat(route.retried().header()).isEqualTo("moved; reason=down");

    usual.first().healthy(true);
    assertThat(picker.pick("chain").placement()).isEqualTo(Placement.HIT);
  }

  @Test
  void aFailoverToTheKeysOwnReplicaIsStillAHit() {
    ReplicaPicker picker = affinity();
    Route usual = picker.pick("k");
    for (int i = 0; i < 3; i++) {
      usual.first().callStarted();
    }
    Route route = picker.pick("k");
    assertThat(route.fallback()).isEqualTo(usual.first());
    assertThat(route.retried()).isEqualTo(Placement.HIT);
  }

  @Test
  void roundRobinAndKeylessCallsAreMisses() {
    ReplicaPicker roundRobin = ReplicaPicker.of(URLS, new UpstreamRouting(false, 1.25, Duration.ofSeconds(10)));
    List<Integer> firsts = java.util.stream.IntStream.range(0, 8).mapToObj(i -> roundRobin.pick("same").first().index()).toList();
    assertThat(firsts).containsExactly(0, 1, 2, 3, 0, 1, 2, 3);
    assertThat(roundRobin.pick("same").placement()).isEqualTo(Placement.MISS);
    assertThat(affinity().pick(null).placement()).isEqualTo(Placement.MISS);
  }

  @Test
  void oneReplicaIsOneFixedRoute() {
    ReplicaPicker single = ReplicaPicker.of(List.of("http://only:8000/v1"), UpstreamRouting.DEFAULT);
    assertThat(single.pick("a")).isSameAs(single.pick("b"));
    assertThat(single.pick("a").fallback()).isNull();
    assertThat(single.pick("a").placement().header()).isEqualTo("affinity-hit");
  }
}
