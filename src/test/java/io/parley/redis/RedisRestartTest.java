package io.parley.redis;

import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RecordingUpstream;
import io.parley.testing.RedisProcess;
import io.parley.testing.RedisProcesses;
import io.parley.testing.TurnChains;
import io.parley.testing.TurnChains.Turn;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis dies (SIGKILL) under a serving gateway and comes back on the same port with its AOF: requests in
 * between fail fast with an OpenAI-shaped 5xx, and afterwards succeed again without restarting Parley,
 * with every turn acknowledged before the crash still there.
 */
class RedisRestartTest {

  private static final Logger LOG = LoggerFactory.getLogger(RedisRestartTest.class);
  private static final long FAST_MS = 2000;

  private final RedisProcesses processes = new RedisProcesses();
  private Vertx providerVertx;
  private RecordingUpstream provider;
  private RedisProcess redis;
  private Gateway gateway;
  private TurnChains chains;

  @BeforeEach
  void start() {
    redis = processes.standalone();
    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
    gateway = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(), "PARLEY_REDIS_URL", redis.url(),
        // Continuations read their history from Redis, not from the gateway's in-process chain cache.
        "PARLEY_CONTEXT_CACHE_BYTES", "0"));
    chains = new TurnChains(gateway, provider);
  }

  @AfterEach
  void stop() {
    gateway.close();
    provider.close();
    providerVertx.close().await();
    processes.close();
  }

  @Test
  void requestsFailFastWhileRedisIsDownAndSucceedAgainOnceItIsBack() {
    List<Turn> chain = chains.chain("before the crash", 3);

    redis.kill();

    String head = chain.get(chain.size() - 1).id();
    assertFailsFast(() -> chains.send("while down", head));
    assertFailsFast(() -> chains.send("new chain while down", null));
    assertFailsFast(() -> gateway.get("/v1/responses/" + head));

    long restarted = System.nanoTime();
    redis.start();
    Reply first = awaitSuccess(() -> gateway.get("/v1/responses/" + head));
    LOG.info("first success {} ms after Redis answered PING again", (System.nanoTime() - restarted) / 1_000_000);
    assertThat(first.json().getString("id")).isEqualTo(head);

    chains.assertIntact(chain);
    chains.assertIntact(chains.chain("after the restart", 2));
  }

  @Test
  void aRestartWithoutAnyRequestInBetweenIsInvisible() {
    List<Turn> chain = chains.chain("idle restart", 2);

    redis.kill();
    redis.start();

    // The pooled connections died with the old process; the first request must not be the one that finds out.
    chains.assertIntact(chain);
  }

  private static void assertFailsFast(Supplier<Reply> request) {
    long start = System.nanoTime();
    Reply reply = request.get();
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    LOG.info("with Redis down: {} in {} ms: {}", reply.status(), tookMs, reply.body());
    assertThat(reply.status()).as(reply.body()).isEqualTo(503);
    assertThat(reply.error().getString("code")).isEqualTo("store_unavailable");
    assertThat(reply.header("retry-after")).isEqualTo("1");
    assertThat(tookMs).as("a request with Redis down answers within %d ms", FAST_MS).isLessThan(FAST_MS);
  }

  private static Reply awaitSuccess(Supplier<Reply> request) {
    long deadline = System.currentTimeMillis() + 10_000;
    Reply reply = request.get();
    while (reply.status() != 200 && System.currentTimeMillis() < deadline) {
      RedisProcesses.pause(100);
      reply = request.get();
    }
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply;
  }
}
