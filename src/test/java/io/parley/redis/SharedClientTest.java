package io.parley.redis;

import io.parley.testing.RedisSupport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The process's one Redis client serves every event loop, and each caller gets its answer on its own
 * context and thread: the gateway's per-request work never hops event loops, whichever loop's connection
 * carried the command.
 */
class SharedClientTest {

  private static final int CALLS = 50;

  /** Where a command's completion ran. */
  private record Completion(Context context, Thread thread) {
  }

  /** A verticle that only holds its context, as a gateway verticle would. */
  private static final class Idle extends VerticleBase {
    Context context() {
      return context;
    }
  }

  private Vertx vertx;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  }

  @AfterEach
  void close() {
    await(vertx.close());
  }

  @Test
  void twoEventLoopsSharingTheClientEachGetTheirAnswersOnTheirOwnContext() {
    assertCompletionsStayOnTheirLoops(RedisConnections.options("standalone", RedisSupport.url(), null, 2, java.time.Duration.ofSeconds(1)));
  }

  @Test
  void aLoopBorrowingTheOtherLoopsConnectionStillGetsItsAnswersOnItsOwnContext() {
    // One connection for both loops: whichever loop opened it, the other one sends on it too.
    assertCompletionsStayOnTheirLoops(RedisConnections.standalone(RedisSupport.url()).setMaxPoolSize(1));
  }

  private void assertCompletionsStayOnTheirLoops(RedisOptions options) {
    Redis redis = Redis.createClient(vertx, options);
    Context first = deployedContext();
    Context second = deployedContext();
    Thread firstThread = await(threadOf(first));
    Thread secondThread = await(threadOf(second));
    assertThat(firstThread).as("two event loops").isNotSameAs(secondThread);

    Future<List<Completion>> fromFirst = sendFrom(first, redis);
    Future<List<Completion>> fromSecond = sendFrom(second, redis);

    assertThat(await(fromFirst)).hasSize(CALLS + 2).allSatisfy(c -> {
      assertThat(c.context()).isSameAs(first);
      assertThat(c.thread()).isSameAs(firstThread);
    });
    assertThat(await(fromSecond)).hasSize(CALLS + 2).allSatisfy(c -> {
      assertThat(c.context()).isSameAs(second);
      assertThat(c.thread()).isSameAs(secondThread);
    });
    await(redis.close());
  }

  /** From {@code context}, at once: single commands, a batch and a script, as the stores send them. */
  private static Future<List<Completion>> sendFrom(Context context, Redis redis) {
    Promise<List<Completion>> done = Promise.promise();
    context.runOnContext(v -> {
      List<Future<Completion>> calls = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) {
        calls.add(redis.send(Request.cmd(Command.PING)).map(reply -> here()));
      }
      calls.add(redis.batch(List.of(Request.cmd(Command.PING), Request.cmd(Command.PING))).map(reply -> here()));
      calls.add(LuaScript.load("rate_limit.lua")
          .run(redis, List.of("parley:{rl:ctx}:req", "parley:{rl:ctx}:tok"), List.of("0", "0", "60000"))
          .map(reply -> here()));
      Future.all(calls).map(all -> all.<Completion>list()).onComplete(done);
    });
    return done.future();
  }

  private static Completion here() {
    return new Completion(Vertx.currentContext(), Thread.currentThread());
  }

  /** A fresh verticle's context: each deployment takes the next event loop. */
  private Context deployedContext() {
    Idle verticle = new Idle();
    await(vertx.deployVerticle(verticle));
    return verticle.context();
  }

  private static Future<Thread> threadOf(Context context) {
    Promise<Thread> thread = Promise.promise();
    context.runOnContext(v -> thread.complete(Thread.currentThread()));
    return thread.future();
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 10 s", e);
    }
  }
}
