package io.parley.state;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryResponseStoreTest extends ResponseStoreContract {

  @Override
  protected ResponseStore createStore(Vertx vertx, Duration ttl) {
    return new MemoryResponseStore(ttl, 10_000);
  }

  @Test
  void theLeastRecentlyUsedTurnGoesFirstPastTheBound() {
    MemoryResponseStore bounded = new MemoryResponseStore(LONG_TTL, 2);
    StoredResponse first = put(bounded, turn(null));
    StoredResponse second = put(bounded, turn(null));
    await(bounded.touchChain(TENANT, List.of(first.id())));

    StoredResponse third = put(bounded, turn(null));

    assertThat(await(bounded.get(TENANT, second.id()))).isNull();
    assertThat(await(bounded.get(TENANT, first.id()))).isEqualTo(first);
    assertThat(await(bounded.get(TENANT, third.id()))).isEqualTo(third);
  }

  @Test
  void sweepDropsExpiredTurnsAndTheirItems() {
    AtomicLong now = new AtomicLong(1_000);
    MemoryResponseStore store = new MemoryResponseStore(Duration.ofSeconds(10), 100, now::get);
    StoredResponse old = put(store, withItems(turn(null)));
    now.addAndGet(5_000);
    StoredResponse young = put(store, withItems(turn(null)));
    now.addAndGet(6_000);

    assertThat(store.sweep()).isEqualTo(1);
    assertThat(await(store.findItem(TENANT, "msg_in_" + old.id()))).isNull();
    assertThat(await(store.findItem(TENANT, "msg_in_" + young.id()))).isEqualTo(young.input().getJsonObject(0));
  }
}
