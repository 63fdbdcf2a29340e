package io.parley.redis;

import io.parley.testing.Chunks;
import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RecordingUpstream;
import io.parley.testing.RedisClusterNodes;
import io.parley.testing.RedisProcess;
import io.parley.testing.RedisProcesses;
import io.parley.testing.Sse;
import io.parley.testing.TurnChains;
import io.parley.testing.TurnChains.Turn;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three masters with {@code cluster-enabled yes} as real processes, Parley with {@code redis_type=cluster}:
 * every Redis-backed feature works with its keys spread over the nodes, and keeps working while a slot that
 * holds them moves to another node key by key (ASK while it moves, MOVED once it has), losing nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisClusterTest {

  private static final Logger LOG = LoggerFactory.getLogger(RedisClusterTest.class);

  private final RedisProcesses processes = new RedisProcesses();
  private RedisClusterNodes cluster;
  private Vertx providerVertx;
  private RecordingUpstream provider;
  private Gateway gateway;
  private TurnChains chains;

  @BeforeAll
  void start() {
    List<RedisProcess> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(processes.clusterNode());
    }
    cluster = RedisClusterNodes.form(nodes);
    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
    gateway = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(),
        "PARLEY_REDIS_TYPE", "cluster",
        "PARLEY_REDIS_URL", cluster.urls(),
        // Continuations read their history from Redis, not from the gateway's in-process chain cache.
        "PARLEY_CONTEXT_CACHE_BYTES", "0",
        // High enough never to refuse, so that every request runs the limiter's script and counts tokens.
        "PARLEY_RATE_LIMIT_RPM", "100000",
        "PARLEY_RATE_LIMIT_TPM", "100000000"));
    chains = new TurnChains(gateway, provider);
  }

  @AfterAll
  void stop() {
    gateway.close();
    provider.close();
    providerVertx.close().await();
    processes.close();
  }

  @BeforeEach
  void resetProvider() {
    provider.reset();
  }

  @Test
  void chainsConversationsRunsAndLimitsWorkWithKeysOnEveryNode() throws Exception {
    List<List<Turn>> all = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      all.add(chains.chain("spread " + i, 3));
    }
    all.forEach(chains::assertIntact);
    for (RedisProcess node : cluster.nodes()) {
      assertThat((Long) node.call("DBSIZE")).as("keys on %s", node).isPositive();
    }

    String conversation = conversationWithTwoResponses();
    assertThat(texts(conversation)).containsExactly("user:hello", "user:q1", "assistant:answer 1", "user:q2",
        "assistant:answer 2");

    String run = backgroundRun(10);
    assertThat(await(run, r -> r.getString("status").equals("completed")).getString("output_text"))
        .isEqualTo("tick ".repeat(10));
    Sse.Stream replay = Sse.parse(200, "text/event-stream", gateway.get("/v1/responses/" + run + "?stream=true").body());
    assertThat(replay.done()).isTrue();
    assertThat(replay.last().type()).isEqualTo("response.completed");

    provider.reset();
    // Tokens are counted after a response, per one-minute window: a later request sees them unless the window turned.
    RedisProcesses.await(() -> {
      Reply limited = chains.send("limited", null);
      assertThat(limited.status()).as(limited.body()).isEqualTo(200);
      assertThat(limited.header("x-ratelimit-remaining-requests")).isNotNull();
      return Long.parseLong(limited.header("x-ratelimit-remaining-tokens")) < 100_000_000L;
    }, 5000, "the tokens counted by the limiter never showed");
  }

  @Test
  void aChainContinuesWhileItsSlotMoves() throws Exception {
    List<Turn> chain = chains.chain("moving", 4);
    int slot = cluster.slotOf("{" + chain.get(0).id().substring(5, 21) + "}");

    int requests = migrateUnderTraffic(slot, () -> {
      chains.extend(chain, "while moving " + chain.size());
      Reply first = gateway.get("/v1/responses/" + chain.get(0).id());
      assertThat(first.status()).as(first.body()).isEqualTo(200);
    });

    LOG.info("chain: {} turns added while its slot moved", requests);
    chains.assertIntact(chain);
  }

  @Test
  void aConversationTakesItemsWhileItsSlotMoves() throws Exception {
    String conversation = conversationWithTwoResponses();
    int slot = cluster.slotOf("{" + conversation + "}");
    List<String> expected = new ArrayList<>(texts(conversation));

    int requests = migrateUnderTraffic(slot, () -> {
      String input = "m" + expected.size();
      Reply reply = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", input)
          .put("conversation", conversation));
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      expected.add("user:" + input);
      expected.add("assistant:" + reply.json().getString("output_text"));
      assertThat(texts(conversation)).isEqualTo(expected);
    });

    LOG.info("conversation: {} responses added while its slot moved", requests);
    assertThat(texts(conversation)).isEqualTo(expected);
  }

  @Test
  void aBackgroundRunKeepsItsEventsWhileItsSlotMoves() throws Exception {
    String run = backgroundRun(100);
    int slot = cluster.slotOf("{" + run.substring(5, 21) + "}");

    migrateUnderTraffic(slot, () -> {
      Reply reply = gateway.get("/v1/responses/" + run);
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    });

    JsonObject done = await(run, r -> !r.getString("status").equals("in_progress") && !r.getString("status").equals("queued"));
    assertThat(done.getString("status")).as(done.encode()).isEqualTo("completed");
    assertThat(done.getString("output_text")).isEqualTo("tick ".repeat(100));
    Sse.Stream replay = Sse.parse(200, "text/event-stream", gateway.get("/v1/responses/" + run + "?stream=true").body());
    List<JsonObject> events = replay.events().stream().map(Sse.Event::data).toList();
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).getLong("sequence_number")).as("event %d of the replay", i).isEqualTo(i);
    }
    assertThat(replay.last().type()).isEqualTo("response.completed");
  }

  /**
   * Moves {@code slot} from its owner to another node as {@code redis-cli --cluster reshard} does (IMPORTING
   * and MIGRATING, MIGRATE, SETSLOT NODE), one key per MIGRATE and 100 ms apart, while another thread
   * repeats {@code request} back to back. Requests so meet the slot's keys split between two nodes (ASK,
   * TRYAGAIN), then the slot moved under a client that still routes to the old node (MOVED).
   *
   * @return how many requests ran while the slot moved
   */
  private int migrateUnderTraffic(int slot, Runnable request) throws Exception {
    AtomicBoolean moving = new AtomicBoolean(true);
    AtomicInteger during = new AtomicInteger();
    ExecutorService traffic = Executors.newSingleThreadExecutor();
    Future<?> requests = traffic.submit(() -> {
      while (moving.get()) {
        request.run();
        during.incrementAndGet();
      }
      for (int i = 0; i < 3; i++) {
        request.run();
      }
    });
    RedisProcess from = cluster.owner(slot);
    RedisProcess to = cluster.nodes().stream().filter(node -> node != from).findFirst().orElseThrow();
    int moved = 0;
    try {
      cluster.beginMigration(slot, from, to);
      RedisProcesses.pause(100);
      for (List<String> keys = cluster.keysIn(slot, from); !keys.isEmpty(); keys = cluster.keysIn(slot, from)) {
        cluster.moveKeys(from, to, keys.subList(0, 1));
        moved++;
        RedisProcesses.pause(100);
      }
      cluster.finishMigration(slot, to);
    } finally {
      moving.set(false);
      traffic.shutdown();
    }
    try {
      requests.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AssertionError failure) {
        throw failure;
      }
      throw e;
    }
    LOG.info("slot {} moved from {} to {}: {} keys one at a time, {} requests meanwhile", slot, from, to, moved, during.get());
    assertThat(moved).isPositive();
    assertThat(during.get()).as("requests while the slot moved").isPositive();
    return during.get();
  }

  private String conversationWithTwoResponses() {
    Reply created = gateway.post("/v1/conversations", new JsonObject()
        .put("items", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hello"))));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    String id = created.json().getString("id");
    for (int i = 1; i <= 2; i++) {
      provider.replyText("answer " + i);
      Reply reply = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "q" + i)
          .put("conversation", id));
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }
    provider.reset();
    return id;
  }

  private List<String> texts(String conversation) {
    Reply reply = gateway.get("/v1/conversations/" + conversation + "/items?order=asc&limit=100");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    List<String> texts = new ArrayList<>();
    for (Object o : reply.json().getJsonArray("data")) {
      JsonObject item = (JsonObject) o;
      texts.add(item.getString("role") + ":" + item.getJsonArray("content").getJsonObject(0).getString("text"));
    }
    return texts;
  }

  /** A background response whose provider streams {@code ticks} deltas 20 ms apart. */
  private String backgroundRun(int ticks) {
    provider.behave((body, response) -> tick(response, ticks, 0));
    Reply queued = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "work")
        .put("background", true));
    assertThat(queued.status()).as(queued.body()).isEqualTo(200);
    return queued.json().getString("id");
  }

  private void tick(HttpServerResponse response, int ticks, int sent) {
    if (sent == 0) {
      Chunks.sse(response);
    }
    if (response.closed()) {
      return;
    }
    if (sent == ticks) {
      Chunks.write(response, Chunks.finish("stop"));
      response.end("data: [DONE]\n\n");
      return;
    }
    Chunks.write(response, Chunks.delta("tick "));
    providerVertx.setTimer(20, t -> tick(response, ticks, sent + 1));
  }

  private JsonObject await(String id, Predicate<JsonObject> until) {
    long deadline = System.currentTimeMillis() + 15_000;
    JsonObject response = gateway.get("/v1/responses/" + id).json();
    while (!until.test(response) && System.currentTimeMillis() < deadline) {
      RedisProcesses.pause(50);
      response = gateway.get("/v1/responses/" + id).json();
    }
    return response;
  }
}
