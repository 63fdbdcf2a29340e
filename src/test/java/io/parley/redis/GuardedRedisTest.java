package io.parley.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the guard reads what the Redis client hands back: the client reports a connection lost under a
 * command as an error reply (a batch's as {@code ERR [i] ...}), which must count as the store being
 * unavailable (a 503), while Redis's own error replies pass through to their callers. The end-to-end
 * behaviour against a real Redis is in {@code state/StoreFaultTest}.
 */
class GuardedRedisTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** A client that answers every command with {@code answer}. */
  private static Redis answering(Supplier<Future<Response>> answer) {
    return new Redis() {
      @Override
      public Future<RedisConnection> connect() {
        return Future.failedFuture("unused");
      }

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }

      @Override
      public Future<Response> send(Request command) {
        return answer.get();
      }

      @Override
      public Future<List<Response>> batch(List<Request> commands) {
        return answer.get().map(List::of);
      }
    };
  }

  private Throwable failureOf(Future<?> future) {
    try {
      future.await();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  @Test
  void aConnectionLostUnderABatchIsTheStoreBeingUnavailable() {
    for (String lost : List.of("ERR [0] CONNECTION_CLOSED\nERR [1] CONNECTION_CLOSED",
        "ERR [0] io.netty.channel.StacklessClosedChannelException", "CONNECTION_CLOSED", "LOADING Redis is loading",
        "READONLY You can't write against a read only replica.", "MASTERDOWN Link with MASTER is down")) {
      GuardedRedis redis = new GuardedRedis(vertx, answering(() -> Future.failedFuture(ErrorType.create(lost))),
          Duration.ofMillis(200));
      assertThat(failureOf(redis.batch(List.of(Request.cmd(Command.PING))))).as(lost)
          .isInstanceOf(StoreUnavailableException.class);
      assertThat(redis.health().available()).as("the breaker opened on " + lost).isFalse();
    }
  }

  @Test
  void redisOwnErrorRepliesPassThroughAndLeaveTheBreakerClosed() {
    for (String reply : List.of("NOSCRIPT No matching script", "WRONGTYPE Operation against a key holding the wrong kind of value",
        "ERR unknown command")) {
      GuardedRedis redis = new GuardedRedis(vertx, answering(() -> Future.failedFuture(ErrorType.create(reply))),
          Duration.ofMillis(200));
      assertThat(failureOf(redis.send(Request.cmd(Command.GET).arg("k")))).as(reply).isInstanceOf(ErrorType.class);
      assertThat(redis.health().available()).isTrue();
    }
  }

  @Test
  void noAnswerWithinTheTimeoutIsUnavailableAndTheNextCommandFailsAtOnce() {
    GuardedRedis redis = new GuardedRedis(vertx, answering(() -> Promise.<Response>promise().future()), Duration.ofMillis(100));
    long start = System.nanoTime();
    assertThat(failureOf(redis.send(Request.cmd(Command.GET).arg("k")))).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("no answer within 100 ms");
    assertThat((System.nanoTime() - start) / 1_000_000).isBetween(90L, 1000L);
    long again = System.nanoTime();
    assertThat(failureOf(redis.send(Request.cmd(Command.GET).arg("k")))).isInstanceOf(StoreUnavailableException.class);
    assertThat((System.nanoTime() - again) / 1_000_000).as("the open breaker answers at once").isLessThan(50);
  }

  /** What a command sent from an event loop (as every request's are) came to: its outcome, when, and where. */
  private record Outcome(Throwable failure, long millis, boolean onCallersContext) {
  }

  private Outcome sendOnEventLoop(GuardedRedis redis) throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    context.runOnContext(v -> {
      long start = System.nanoTime();
      redis.send(Request.cmd(Command.GET).arg("k")).onComplete(ar -> outcome.complete(new Outcome(ar.cause(),
          (System.nanoTime() - start) / 1_000_000, Vertx.currentContext() == context && Context.isOnEventLoopThread())));
    });
    return outcome.get(5, TimeUnit.SECONDS);
  }

  /** From an event loop the timeout is one periodic sweep, not a timer per command: the same outcomes. */
  @Test
  void onAnEventLoopACommandWithNoAnswerFailsOnTheCallersContext() throws Exception {
    GuardedRedis redis = new GuardedRedis(vertx, answering(() -> Promise.<Response>promise().future()), Duration.ofMillis(100));
    Outcome outcome = sendOnEventLoop(redis);
    assertThat(outcome.failure()).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("no answer within 100 ms");
    assertThat(outcome.millis()).isBetween(90L, 1000L);
    assertThat(outcome.onCallersContext()).isTrue();
    assertThat(redis.health().available()).isFalse();
  }

  @Test
  void onAnEventLoopAnAnswerInTimePassesAndALateOneFails() throws Exception {
    GuardedRedis quick = new GuardedRedis(vertx, answering(() -> answerAfter(10)), Duration.ofMillis(200));
    Outcome answered = sendOnEventLoop(quick);
    assertThat(answered.failure()).isNull();
    assertThat(answered.onCallersContext()).isTrue();
    assertThat(quick.health().available()).isTrue();
    GuardedRedis slow = new GuardedRedis(vertx, answering(() -> answerAfter(150)), Duration.ofMillis(100));
    assertThat(sendOnEventLoop(slow).failure()).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("no answer within 100 ms");
  }

  private Future<Response> answerAfter(long millis) {
    Promise<Response> answer = Promise.promise();
    vertx.setTimer(millis, id -> answer.complete(null));
    return answer.future();
  }

  /** The sweep outlives the verticle whose command started it (a Vert.x timer would go with that verticle). */
  @Test
  void aCommandStillFailsAfterTheVerticleThatSentItIsUndeployed() throws Exception {
    Vertx oneLoop = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1));
    try {
      GuardedRedis redis = new GuardedRedis(oneLoop, answering(() -> Promise.<Response>promise().future()),
          Duration.ofMillis(100));
      CompletableFuture<Throwable> failed = new CompletableFuture<>();
      String id = oneLoop.deployVerticle(new io.vertx.core.VerticleBase() {
        @Override
        public Future<?> start() {
          redis.send(Request.cmd(Command.GET).arg("k")).onComplete(ar -> failed.complete(ar.cause()));
          return Future.succeededFuture();
        }
      }).await();
      oneLoop.undeploy(id).await();
      assertThat(failed.get(5, TimeUnit.SECONDS)).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("no answer within 100 ms");
    } finally {
      oneLoop.close().await();
    }
  }
}
