package io.parley.state;

import io.parley.protocol.Ids;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link ResponseStore} must do. Tests block on futures from the JUnit thread (never an event
 * loop) so each case reads top to bottom; every case uses fresh random ids, so a shared server is fine.
 */
public abstract class ResponseStoreContract {

  protected static final String TENANT = "tenant-a";
  protected static final Duration LONG_TTL = Duration.ofMinutes(10);
  protected static final Duration SHORT_TTL = Duration.ofMillis(1500);

  protected Vertx vertx;
  protected ResponseStore store;

  protected abstract ResponseStore createStore(Vertx vertx, Duration ttl);

  @BeforeEach
  void openStore() {
    vertx = Vertx.vertx();
    store = createStore(vertx, LONG_TTL);
  }

  @AfterEach
  void closeStore() {
    await(store.close());
    await(vertx.close());
  }

  @Test
  void aReachableStoreAnswersPing() {
    await(store.ping());
  }

  @Test
  void putThenGetReturnsTheTurnExactly() {
    StoredResponse root = put(store, turn(null));
    StoredResponse child = put(store, turn(root));

    StoredResponse got = await(store.get(TENANT, child.id()));

    assertThat(got).isEqualTo(child);
    assertThat(got.parentId()).isEqualTo(root.id());
    assertThat(got.ancestors()).containsExactly(root.id());
    assertThat(got.input()).isEqualTo(child.input());
    assertThat(got.response()).isEqualTo(child.response());
  }

  @Test
  void aStoredTurnDoesNotChangeWhenTheCallerChangesItsObjects() {
    StoredResponse turn = turn(null);
    StoredResponse expected = new StoredResponse(turn.id(), turn.parentId(), turn.ancestors(),
        turn.input().copy(), turn.response().copy());
    put(store, turn);

    turn.input().clear();
    turn.response().put("status", "changed");
    StoredResponse read = await(store.get(TENANT, turn.id()));
    read.output().clear();

    assertThat(await(store.get(TENANT, turn.id()))).isEqualTo(expected);
    assertThat(last(await(store.loadChain(TENANT, turn.id())))).isEqualTo(expected);
  }

  @Test
  void anotherTenantSeesNothing() {
    StoredResponse root = put(store, turn(null));
    StoredResponse child = put(store, turn(root));

    assertThat(await(store.get("tenant-b", child.id()))).isNull();
    assertThatThrownBy(() -> await(store.loadChain("tenant-b", child.id())))
        .isInstanceOfSatisfying(MissingTurnException.class, e -> assertThat(e.missingId()).isEqualTo(child.id()));
    assertThat(await(store.delete("tenant-b", child.id()))).isFalse();
    assertThat(await(store.get(TENANT, child.id()))).isEqualTo(child);
  }

  @Test
  void getOfAnUnknownIdIsNull() {
    assertThat(await(store.get(TENANT, Ids.newResponseId(null)))).isNull();
  }

  @Test
  void getOfAMalformedIdIsNull() {
    for (String id : List.of("", "resp_", "resp_123", "msg_" + "a".repeat(48), "resp_" + "Z".repeat(48))) {
      assertThat(await(store.get(TENANT, id))).as(id).isNull();
    }
  }

  @Test
  void deleteRemovesOnce() {
    StoredResponse turn = put(store, turn(null));

    assertThat(await(store.delete(TENANT, turn.id()))).isTrue();
    assertThat(await(store.get(TENANT, turn.id()))).isNull();
    assertThat(await(store.delete(TENANT, turn.id()))).isFalse();
  }

  @Test
  void loadChainOfARootIsJustTheRoot() {
    StoredResponse root = put(store, turn(null));

    assertThat(ids(await(store.loadChain(TENANT, root.id())))).containsExactly(root.id());
  }

  @Test
  void loadChainReturnsTurnsOldestFirst() {
    List<StoredResponse> chain = putChain(store, 3);

    List<StoredResponse> loaded = await(store.loadChain(TENANT, last(chain).id()));

    assertThat(loaded).containsExactlyElementsOf(chain);
  }

  @Test
  void forkedChildrenEachLoadOnlyTheirOwnChain() {
    StoredResponse root = put(store, turn(null));
    StoredResponse left = put(store, turn(root));
    StoredResponse right = put(store, turn(root));

    assertThat(ids(await(store.loadChain(TENANT, left.id())))).containsExactly(root.id(), left.id());
    assertThat(ids(await(store.loadChain(TENANT, right.id())))).containsExactly(root.id(), right.id());
  }

  @Test
  void loadChainNamesTheOldestMissingAncestor() {
    List<StoredResponse> chain = putChain(store, 4);
    await(store.delete(TENANT, chain.get(2).id()));
    await(store.delete(TENANT, chain.get(1).id()));

    assertThatThrownBy(() -> await(store.loadChain(TENANT, last(chain).id())))
        .isInstanceOfSatisfying(MissingTurnException.class,
            e -> assertThat(e.missingId()).isEqualTo(chain.get(1).id()));
  }

  @Test
  void loadChainOfAnUnknownHeadNamesTheHead() {
    String head = Ids.newResponseId(null);

    assertThatThrownBy(() -> await(store.loadChain(TENANT, head)))
        .isInstanceOfSatisfying(MissingTurnException.class, e -> assertThat(e.missingId()).isEqualTo(head));
  }

  @Test
  void findItemReturnsAnInputOrOutputItemOfAStoredTurn() {
    StoredResponse turn = put(store, withItems(turn(null)));

    assertThat(await(store.findItem(TENANT, "msg_in_" + turn.id()))).isEqualTo(turn.input().getJsonObject(0));
    assertThat(await(store.findItem(TENANT, "msg_out_" + turn.id()))).isEqualTo(turn.output().getJsonObject(0));
    assertThat(await(store.findItem(TENANT, "msg_unknown"))).isNull();
    assertThat(await(store.findItem("tenant-b", "msg_in_" + turn.id()))).isNull();
  }

  @Test
  void findItemOfADeletedTurnIsNull() {
    StoredResponse turn = put(store, withItems(turn(null)));

    await(store.delete(TENANT, turn.id()));

    assertThat(await(store.findItem(TENANT, "msg_in_" + turn.id()))).isNull();
  }

  @Test
  void touchChainSucceedsWhenEveryTurnIsThere() {
    List<StoredResponse> chain = putChain(store, 3);

    await(store.touchChain(TENANT, ids(chain)));
  }

  @Test
  void touchChainNamesTheOldestMissingTurn() {
    List<StoredResponse> chain = putChain(store, 4);
    await(store.delete(TENANT, chain.get(2).id()));
    await(store.delete(TENANT, chain.get(1).id()));

    assertThatThrownBy(() -> await(store.touchChain(TENANT, ids(chain))))
        .isInstanceOfSatisfying(MissingTurnException.class,
            e -> assertThat(e.missingId()).isEqualTo(chain.get(1).id()));
  }

  @Test
  void touchChainRefreshesTheTtlOfEveryTurn() throws InterruptedException {
    ResponseStore shortLived = createStore(vertx, SHORT_TTL);
    renewedPastTheirTtl(shortLived, chain -> shortLived.touchChain(TENANT, ids(chain)));
    await(shortLived.close());
  }

  @Test
  void resultsArriveOnTheCallersContext() {
    List<StoredResponse> chain = putChain(store, 3);
    Context context = vertx.getOrCreateContext();
    Promise<Context> seen = Promise.promise();

    context.runOnContext(v -> store.loadChain(TENANT, last(chain).id())
        .onComplete(ar -> seen.complete(Vertx.currentContext())));

    assertThat(await(seen.future())).isSameAs(context);
  }

  @Test
  void turnsExpireAfterTheTtl() {
    ResponseStore shortLived = createStore(vertx, SHORT_TTL);
    long start = System.nanoTime();
    StoredResponse turn = put(shortLived, turn(null));
    assertThat(await(shortLived.get(TENANT, turn.id()))).isNotNull();

    poll(() -> await(shortLived.get(TENANT, turn.id())) == null);

    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .as("lived at least the TTL").isGreaterThanOrEqualTo(SHORT_TTL.toMillis() - 50);
    await(shortLived.close());
  }

  @Test
  void loadChainRefreshesTheTtlOfEveryTurn() throws InterruptedException {
    ResponseStore shortLived = createStore(vertx, SHORT_TTL);
    List<StoredResponse> chain = renewedPastTheirTtl(shortLived, c -> shortLived.loadChain(TENANT, last(c).id()));
    poll(() -> chain.stream().allMatch(turn -> await(shortLived.get(TENANT, turn.id())) == null));
    await(shortLived.close());
  }

  /**
   * Stores a 3-turn chain, renews it with {@code renew} at 60% of the TTL, and checks every turn is still
   * there at 120% of it: only the renewal keeps them alive ({@code get} itself does not refresh).
   */
  private List<StoredResponse> renewedPastTheirTtl(ResponseStore shortLived,
      java.util.function.Function<List<StoredResponse>, Future<?>> renew) throws InterruptedException {
    List<StoredResponse> chain = putChain(shortLived, 3);
    long sixtyPercent = SHORT_TTL.toMillis() * 6 / 10;

    Thread.sleep(sixtyPercent);
    await(renew.apply(chain));
    Thread.sleep(sixtyPercent);

    for (StoredResponse turn : chain) {
      assertThat(await(shortLived.get(TENANT, turn.id()))).as(turn.id()).isNotNull();
    }
    return chain;
  }

  // ---- helpers shared by the implementation-specific subclasses ----

  protected static StoredResponse turn(StoredResponse parent) {
    String id = Ids.newResponseId(parent == null ? null : parent.id());
    JsonArray input = new JsonArray().add(new JsonObject().put("type", "message").put("role", "user")
        .put("content", "héllo \"quoted\" ✓ " + id));
    JsonObject response = new JsonObject().put("id", id).put("object", "response").put("created_at", 1_700_000_000L)
        .put("temperature", 0.25).put("metadata", new JsonObject().put("k", "v")).putNull("previous_response_id")
        .put("output", new JsonArray().add(new JsonObject().put("type", "message").put("text", "hi")));
    List<String> ancestors = parent == null ? List.of() : parent.lineage();
    return new StoredResponse(id, parent == null ? null : parent.id(), ancestors, input, response);
  }

  /** The turn with ids on its items ({@code msg_in_<turn id>}, {@code msg_out_<turn id>}), as real turns have. */
  protected static StoredResponse withItems(StoredResponse turn) {
    JsonArray input = turn.input().copy();
    input.getJsonObject(0).put("id", "msg_in_" + turn.id());
    JsonObject response = turn.response().copy();
    response.getJsonArray("output").getJsonObject(0).put("id", "msg_out_" + turn.id());
    return new StoredResponse(turn.id(), turn.parentId(), turn.ancestors(), input, response);
  }

  protected static StoredResponse put(ResponseStore target, StoredResponse turn) {
    await(target.put(TENANT, turn));
    return turn;
  }

  /** A linear chain of {@code depth} stored turns, oldest first. */
  protected static List<StoredResponse> putChain(ResponseStore target, int depth) {
    List<StoredResponse> chain = new ArrayList<>(depth);
    StoredResponse parent = null;
    for (int i = 0; i < depth; i++) {
      parent = put(target, turn(parent));
      chain.add(parent);
    }
    return chain;
  }

  protected static List<String> ids(List<StoredResponse> turns) {
    return turns.stream().map(StoredResponse::id).toList();
  }

  protected static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }

  /** Never hangs a build: a store that does not answer fails the test within seconds. */
  protected static <T> T await(Future<T> future) {
    try {
      return future.await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("store did not answer within 10 s", e);
    }
  }

  /** Waits for expiry without a fixed long sleep: expiry is checked every 100 ms for up to 5 s. */
  private static void poll(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within 5 s").isLessThan(deadline);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
