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
    return new MemoryResponseStore(ttl, 10_000, Long.MAX_VALUE);
  }

  @Test
  void theLeastRecentlyUsedTurnGoesFirstPastTheBound() {
    MemoryResponseStore bounded = new MemoryResponseStore(LONG_TTL, 2, Long.MAX_VALUE);
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

  @Test
  void aTurnLeavingTakesItsItemIdsOutOfTheIndexWithoutASweep() {
    AtomicLong now = new AtomicLong(1_000);
    MemoryResponseStore store = new MemoryResponseStore(Duration.ofSeconds(10), 2, now::get);
    StoredResponse evicted = put(store, withItems(turn(null)));
    StoredResponse deleted = put(store, withItems(turn(null)));
    StoredResponse expired = put(store, withItems(turn(null))); // evicts the first past the bound
    assertThat(store.indexedItems()).isEqualTo(4);

    assertThat(await(store.delete(TENANT, deleted.id()))).isTrue();
    assertThat(store.indexedItems()).isEqualTo(2);
    now.addAndGet(11_000);
    assertThat(await(store.get(TENANT, expired.id()))).isNull();

    assertThat(store.indexedItems()).isZero();
    assertThat(await(store.findItem(TENANT, "msg_out_" + evicted.id()))).isNull();
  }

  @Test
  void storingATurnAgainReplacesItsItemsAndKeepsThoseANewerTurnHolds() {
    MemoryResponseStore store = new MemoryResponseStore(LONG_TTL, 100, Long.MAX_VALUE);
    StoredResponse first = put(store, withItems(turn(null)));
    // A later turn holding the first one's input item (as an input item given by id would be).
    StoredResponse later = turn(null);
    later.input().add(first.input().getJsonObject(0).copy());
    put(store, later);
    put(store, turn(null)); // unrelated

    await(store.put(TENANT, new StoredResponse(first.id(), null, List.of(), new io.vertx.core.json.JsonArray(), first.response())));

    assertThat(await(store.findItem(TENANT, "msg_in_" + first.id()))).isEqualTo(first.input().getJsonObject(0));
    assertThat(await(store.findItem(TENANT, "msg_out_" + first.id()))).isEqualTo(first.response().getJsonArray("output").getJsonObject(0));
    assertThat(store.indexedItems()).isEqualTo(2);
  }

  @Test
  void sweepWalksOnlyTheExpiredEndOfTheStore() {
    AtomicLong now = new AtomicLong(1_000);
    MemoryResponseStore store = new MemoryResponseStore(Duration.ofSeconds(10), 100, now::get);
    StoredResponse a = put(store, withItems(turn(null)));
    StoredResponse b = put(store, withItems(turn(null)));
    now.addAndGet(5_000);
    StoredResponse c = put(store, withItems(turn(null)));
    await(store.touchChain(TENANT, List.of(a.id()))); // renewed: now the most recently used
    now.addAndGet(6_000);

    assertThat(store.sweep()).isEqualTo(1);
    assertThat(await(store.get(TENANT, b.id()))).isNull();
    assertThat(await(store.get(TENANT, a.id()))).isNotNull();
    assertThat(await(store.get(TENANT, c.id()))).isNotNull();
    assertThat(store.indexedItems()).isEqualTo(4);
  }

  @Test
  void theLeastRecentlyUsedTurnsGoWhenTheBytesBoundIsPassed() {
    StoredResponse a = withItems(turn(null));
    long weight = a.encode().length() + MemoryResponseStore.ENTRY_OVERHEAD + 2 * MemoryResponseStore.ITEM_OVERHEAD;
    // Room for three turns like these (their ids are the same length, so their weights are too).
    MemoryResponseStore store = new MemoryResponseStore(LONG_TTL, 100, 3 * weight + weight / 2, System::currentTimeMillis);
    put(store, a);
    StoredResponse b = put(store, withItems(turn(null)));
    StoredResponse c = put(store, withItems(turn(null)));
    assertThat(store.bytesHeld()).isEqualTo(3 * weight);
    await(store.touchChain(TENANT, List.of(a.id())));

    StoredResponse d = put(store, withItems(turn(null)));

    assertThat(await(store.get(TENANT, b.id()))).isNull();
    assertThat(await(store.findItem(TENANT, "msg_in_" + b.id()))).isNull();
    for (StoredResponse kept : List.of(a, c, d)) {
      assertThat(await(store.get(TENANT, kept.id()))).as(kept.id()).isEqualTo(kept);
    }
    assertThat(store.bytesHeld()).isEqualTo(3 * weight);
    assertThat(store.indexedItems()).isEqualTo(6);

    put(store, d); // stored again: replaces itself, counted once
    assertThat(store.bytesHeld()).isEqualTo(3 * weight);
    await(store.delete(TENANT, a.id()));
    assertThat(store.bytesHeld()).isEqualTo(2 * weight);
  }

  @Test
  void aTurnLargerThanTheBoundIsKeptUntilTheNextArrives() {
    MemoryResponseStore store = new MemoryResponseStore(LONG_TTL, 100, 10, System::currentTimeMillis);
    StoredResponse big = put(store, turn(null));
    assertThat(await(store.get(TENANT, big.id()))).isEqualTo(big);

    StoredResponse next = put(store, turn(null));

    assertThat(await(store.get(TENANT, big.id()))).isNull();
    assertThat(await(store.get(TENANT, next.id()))).isEqualTo(next);
  }
}
