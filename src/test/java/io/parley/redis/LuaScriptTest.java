package io.parley.redis;

import io.parley.limit.Decision;
import io.parley.limit.Limits;
import io.parley.limit.RedisRateLimiter;
import io.parley.protocol.Ids;
import io.parley.state.RedisConversationStore;
import io.parley.state.RedisResponseStore;
import io.parley.state.StoredResponse;
import io.parley.testing.RedisSupport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Scripts go by their digest, and a Redis that lost them (restart, failover, SCRIPT FLUSH) costs one EVAL,
 * not a failed request: checked on the helper and on every component that runs a script. Blocks on
 * futures from the JUnit thread; ids are fresh, so the shared server needs no cleaning, but SCRIPT FLUSH
 * is server-wide, which the other Redis tests tolerate by design (that is the behaviour under test).
 */
class LuaScriptTest {

  private static final String TENANT = "tenant-lua";
  private static final Duration TTL = Duration.ofMinutes(5);

  private Vertx vertx;
  private Redis redis;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, RedisSupport.url());
  }

  @AfterEach
  void close() {
    await(redis.close());
    await(vertx.close());
  }

  @Test
  void aScriptGoesByItsDigestAndIsCachedAgainByOneEvalAfterScriptFlush() {
    LuaScript admit = LuaScript.load("rate_limit.lua");
    List<String> keys = keys();
    scriptFlush();
    String before = commandStats();

    Response first = await(admit.run(redis, keys, List.of("10", "0", "60000")));

    String between = commandStats();
    assertThat(first.get(0).toInteger()).as("admitted").isEqualTo(1);
    assertThat(calls(between, "evalsha") - calls(before, "evalsha")).as("tried by digest first").isEqualTo(1);
    assertThat(calls(between, "eval") - calls(before, "eval")).as("then sent whole, once").isEqualTo(1);

    Response second = await(admit.run(redis, keys, List.of("10", "0", "60000")));

    String after = commandStats();
    assertThat(second.get(1).toLong()).as("the second request counted").isEqualTo(2);
    assertThat(calls(after, "evalsha") - calls(between, "evalsha")).isEqualTo(1);
    assertThat(calls(after, "eval") - calls(between, "eval")).as("cached again: digest only").isZero();
  }

  @Test
  void aFailureOtherThanNoscriptIsNotRetried() {
    LuaScript admit = LuaScript.load("rate_limit.lua");
    List<String> keys = keys();
    await(admit.run(redis, keys, List.of("10", "0", "60000")));
    String before = commandStats();

    // No ARGV: the script's arithmetic on nil fails inside Redis.
    assertThatThrownBy(() -> await(admit.run(redis, keys, List.of())))
        .hasMessageNotContaining("NOSCRIPT");

    assertThat(calls(commandStats(), "eval") - calls(before, "eval")).isZero();
  }

  @Test
  void everyScriptedCallSucceedsRightAfterScriptFlush() {
    RedisResponseStore responses = new RedisResponseStore(redis, false, TTL);
    RedisConversationStore conversations = new RedisConversationStore(redis, TTL);
    RedisRateLimiter limiter = new RedisRateLimiter(redis);
    StoredResponse root = turn(null);
    StoredResponse child = turn(root);
    await(responses.put(TENANT, root));
    await(responses.put(TENANT, child));
    String conversation = Ids.newConversationId();
    await(conversations.create(TENANT, new JsonObject().put("id", conversation), new JsonArray()));

    scriptFlush();
    assertThat(await(responses.loadChain(TENANT, child.id()))).extracting(StoredResponse::id)
        .containsExactly(root.id(), child.id());
    scriptFlush();
    await(responses.touchChain(TENANT, List.of(root.id(), child.id())));
    scriptFlush();
    assertThat(await(conversations.append(TENANT, conversation, new JsonArray().add(new JsonObject().put("id", "msg_1")))))
        .isTrue();
    scriptFlush();
    Decision decision = await(limiter.acquire(TENANT + "-" + conversation, new Limits(5, 0)));
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.requestsUsed()).isEqualTo(1);
  }

  /** A fresh pair of rate-limit counters (one hash tag). */
  private static List<String> keys() {
    String tag = "{rl:" + Ids.newConversationId() + "}";
    return List.of("parley:" + tag + ":req", "parley:" + tag + ":tok");
  }

  private static StoredResponse turn(StoredResponse parent) {
    String id = Ids.newResponseId(parent == null ? null : parent.id());
    JsonObject response = new JsonObject().put("id", id).put("object", "response").put("output", new JsonArray());
    return new StoredResponse(id, parent == null ? null : parent.id(), parent == null ? List.of() : parent.lineage(),
        new JsonArray(), response);
  }

  private void scriptFlush() {
    await(redis.send(Request.cmd(Command.SCRIPT).arg("FLUSH")));
  }

  private String commandStats() {
    return await(redis.send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
  }

  private static long calls(String stats, String command) {
    Matcher m = Pattern.compile("(?m)^cmdstat_" + command + ":calls=(\\d+)").matcher(stats);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("Redis did not answer within 10 s", e);
    }
  }
}
