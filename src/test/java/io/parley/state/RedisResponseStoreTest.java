package io.parley.state;

import io.parley.protocol.Ids;
import io.parley.redis.RedisConnections;
import io.parley.testing.RedisSupport;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract against a real Redis, plus what only Redis can show: the key carries a TTL, a long chain
 * loads in one round trip, a turn is stored in one round trip, and the scripts go by their digests.
 */
class RedisResponseStoreTest extends ResponseStoreContract {

  private Redis plain;
  /** The client every store of a test runs on, as the gateway's stores share one. */
  private Redis storeClient;

  @Override
  protected ResponseStore createStore(Vertx vertx, Duration ttl) {
    if (storeClient == null) {
      storeClient = Redis.createClient(vertx, RedisConnections.standalone(RedisSupport.url()));
    }
    return new RedisResponseStore(storeClient, false, ttl);
  }

  @BeforeEach
  void openPlainClient() {
    plain = Redis.createClient(vertx, RedisSupport.url());
  }

  @AfterEach
  void closeClients() {
    await(plain.close());
    await(storeClient.close());
  }

  @Test
  void putStoresTheKeyWithTheTtl() {
    StoredResponse turn = put(store, turn(null));
    String key = "parley:" + TENANT + ":resp:{" + Ids.chainTag(turn.id()) + "}:" + turn.id();

    long pttl = await(plain.send(Request.cmd(Command.PTTL).arg(key))).toLong();

    assertThat(pttl).isPositive().isLessThanOrEqualTo(LONG_TTL.toMillis());
  }

  @Test
  void aDeepChainLoadsInOneRoundTripAndEveryTurnLivesOn() {
    List<StoredResponse> chain = putChain(store, 50);
    await(store.loadChain(TENANT, chain.get(0).id())); // Redis now holds the script, and the pool a connection
    String before = commandStats();
    long readsBefore = readEvents();

    List<StoredResponse> loaded = await(store.loadChain(TENANT, last(chain).id()));

    long readsAfter = readEvents();
    String after = commandStats();
    assertThat(ids(loaded)).containsExactlyElementsOf(ids(chain));
    assertThat(loaded.get(10).input()).isEqualTo(chain.get(10).input());
    assertThat(readsAfter - readsBefore - 1).as("read events for the load").isEqualTo(1);
    assertThat(calls(after, "evalsha") - calls(before, "evalsha")).isEqualTo(1);
    assertThat(calls(after, "pexpire") - calls(before, "pexpire")).as("every turn's TTL renewed").isEqualTo(50);
  }

  @Test
  void aChainLoadNamesTheTurnThatIsGoneAfterRedisLostTheScript() {
    List<StoredResponse> chain = putChain(store, 5);
    await(plain.send(Request.cmd(Command.SCRIPT).arg("FLUSH")));
    String third = "parley:" + TENANT + ":resp:{" + Ids.chainTag(chain.get(2).id()) + "}:" + chain.get(2).id();
    await(plain.send(Request.cmd(Command.DEL).arg(third)));

    assertThatThrownBy(() -> await(store.loadChain(TENANT, last(chain).id())))
        .isInstanceOfSatisfying(MissingTurnException.class, e -> assertThat(e.missingId()).isEqualTo(chain.get(2).id()));
  }

  @Test
  void aTurnAndItsItemIndexAreStoredInOneRoundTrip() {
    StoredResponse turn = withItems(turn(null));
    await(store.ping()); // the pool's connection is open, so no handshake lands in the count
    String statsBefore = commandStats();
    long readsBefore = readEvents();

    put(store, turn);

    long readsAfter = readEvents();
    String statsAfter = commandStats();
    // Redis counts one read event per exchange a client starts; the INFO that reads the counter is one.
    assertThat(readsAfter - readsBefore - 1).as("read events for the put").isEqualTo(1);
    assertThat(calls(statsAfter, "set") - calls(statsBefore, "set")).as("the turn and its two items").isEqualTo(3);
    assertThat(await(store.findItem(TENANT, "msg_out_" + turn.id()))).isEqualTo(turn.output().getJsonObject(0));
  }

  @Test
  void touchChainSendsTheScriptDigestAndReloadsTheScriptWhenRedisLostIt() {
    List<StoredResponse> chain = putChain(store, 3);
    await(plain.send(Request.cmd(Command.SCRIPT).arg("FLUSH")));
    await(store.touchChain(TENANT, ids(chain))); // NOSCRIPT, then EVAL caches it again
    String before = commandStats();

    await(store.touchChain(TENANT, ids(chain)));

    String after = commandStats();
    assertThat(calls(after, "evalsha") - calls(before, "evalsha")).isEqualTo(1);
    assertThat(calls(after, "eval") - calls(before, "eval")).isZero();
  }

  private long readEvents() {
    String stats = await(plain.send(Request.cmd(Command.INFO).arg("stats"))).toString();
    Matcher m = Pattern.compile("(?m)^total_reads_processed:(\\d+)").matcher(stats);
    assertThat(m.find()).as("INFO stats has total_reads_processed (Redis >= 6)").isTrue();
    return Long.parseLong(m.group(1));
  }

  private String commandStats() {
    return await(plain.send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
  }

  private static long calls(String stats, String command) {
    Matcher m = Pattern.compile("(?m)^cmdstat_" + command + ":calls=(\\d+)").matcher(stats);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
