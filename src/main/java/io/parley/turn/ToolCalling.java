package io.parley.turn;

import io.parley.upstream.Cancellation;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * Runs the calls of one round, of whatever tools Parley runs: at most {@code parallelCalls} at once, each with
 * the turn's cancel handle. A call never fails the turn: its finished item says what went wrong, and the model
 * is told.
 */
final class ToolCalling {

  private final McpSettings settings;

  ToolCalling(McpSettings settings) {
    this.settings = settings;
  }

  McpSettings settings() {
    return settings;
  }

  /**
   * @param started  told as each call starts
   * @param finished told each finished item (same id as its pending one), in the order they finish
   */
  Future<Void> run(TurnTools tools, List<JsonObject> pending, Cancellation cancel, Consumer<JsonObject> started,
      Consumer<JsonObject> finished) {
    Queue<JsonObject> queue = new ArrayDeque<>(pending);
    Promise<Void> all = Promise.promise();
    int[] running = {0};
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      while (running[0] < settings.parallelCalls() && !queue.isEmpty()) {
        JsonObject call = queue.poll();
        running[0]++;
        started.accept(call);
        call(tools, call, cancel).onComplete(ar -> {
          running[0]--;
          finished.accept(ar.result());
          if (queue.isEmpty() && running[0] == 0) {
            all.tryComplete();
          } else {
            next[0].run();
          }
        });
      }
    };
    if (queue.isEmpty()) {
      return Future.succeededFuture();
    }
    next[0].run();
    return all.future();
  }

  /** One call; always succeeds, with the finished item. */
  private static Future<JsonObject> call(TurnTools tools, JsonObject pending, Cancellation cancel) {
    ServerSideTools runner = tools.runner(pending);
    if (runner == null) {
      // Calls are made only to the functions these tools offered; nothing else can be pending.
      return Future.succeededFuture(pending.copy().put("status", "failed"));
    }
    return runner.run(pending, cancel).otherwise(err -> pending.copy().put("status", "failed"));
  }
}
