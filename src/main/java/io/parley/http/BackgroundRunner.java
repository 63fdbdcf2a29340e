package io.parley.http;

import io.parley.background.RunLog;
import io.parley.protocol.ApiError;
import io.parley.protocol.ResponseObject;
import io.parley.protocol.StreamTranslation;
import io.parley.upstream.ChunkStream;
import io.parley.upstream.Forwarded;
import io.parley.upstream.Upstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a {@code background:true} turn detached from the request that created it: the provider is always
 * called in streaming mode, every event goes to the {@link RunLog} (in order: the provider stream is
 * paused while an append is in flight), the lease is renewed while it runs, and a cancel flag raised on
 * any replica stops the provider call. The final state is stored before the log is marked complete.
 */
final class BackgroundRunner {

  private static final long CANCEL_POLL_MS = 250;

  private final Vertx vertx;
  private final Upstream upstream;
  private final RunLog runs;
  private final Duration lease;
  private final Function<Turn, Future<Void>> complete;
  private final Function<Turn, Future<Void>> store;

  /**
   * @param complete stores a finished turn with everything that goes with it (tokens, conversation)
   * @param store    stores the turn's current state only (queued, failed, cancelled)
   */
  BackgroundRunner(Vertx vertx, Upstream upstream, RunLog runs, Duration lease,
      Function<Turn, Future<Void>> complete, Function<Turn, Future<Void>> store) {
    this.vertx = vertx;
    this.upstream = upstream;
    this.runs = runs;
    this.lease = lease;
    this.complete = complete;
    this.store = store;
  }

  /** Stores the turn as {@code queued} under a lease, starts it, and returns the queued response. */
  Future<JsonObject> start(Turn turn, Forwarded forwarded) {
    turn.response().put("status", "queued");
    return runs.lease(turn.tenant(), turn.id(), lease)
        .compose(v -> store.apply(turn))
        .map(v -> {
          JsonObject queued = turn.response().copy();
          new Run(turn).begin(forwarded);
          return queued;
        });
  }

  private final class Run {
    private final Turn turn;
    private long leaseTimer = -1;
    private long cancelTimer = -1;
    private ChunkStream chunks;
    private boolean over;

    Run(Turn turn) {
      this.turn = turn;
    }

    void begin(Forwarded forwarded) {
      leaseTimer = vertx.setPeriodic(Math.max(100, lease.toMillis() / 3), id -> runs.lease(turn.tenant(), turn.id(), lease));
      cancelTimer = vertx.setPeriodic(CANCEL_POLL_MS, id -> runs.cancelRequested(turn.tenant(), turn.id())
          .onSuccess(cancel -> {
            if (cancel) {
              cancel();
            }
          }));
      turn.response().put("status", "in_progress");
      upstream.stream(turn.modelRequest(), turn.response(), forwarded)
          .onSuccess(stream -> pump(stream.chunks(), stream.translation()))
          .onFailure(err -> fail(null, ErrorMapper.toApiError(err, null)));
    }

    private void pump(ChunkStream stream, StreamTranslation translation) {
      chunks = stream;
      if (over) {
        stream.cancel();
        return;
      }
      stream.exceptionHandler(err -> fail(translation, err instanceof ApiError e ? e : ApiError.upstream(err.getMessage())));
      stream.endHandler(v -> finish(translation));
      // The stream stays paused until the opening events are in the log, so the log is in sequence order.
      runs.append(turn.tenant(), turn.id(), translation.start(), false).onComplete(ar -> {
        if (!over) {
          stream.handler(chunk -> append(translation.onChunk(chunk)));
        }
      });
    }

    private void append(List<JsonObject> events) {
      chunks.pause();
      runs.append(turn.tenant(), turn.id(), events, false).onComplete(ar -> {
        if (!over) {
          chunks.resume();
        }
      });
    }

    private void finish(StreamTranslation translation) {
      if (over) {
        return;
      }
      List<JsonObject> closing;
      try {
        closing = new ArrayList<>(translation.finish(System.currentTimeMillis() / 1000));
      } catch (ApiError e) {
        fail(translation, e);
        return;
      }
      over = true;
      complete.apply(turn)
          .onSuccess(v -> closing.add(translation.terminalEvent()))
          .onFailure(err -> closing.add(translation.failedEvent(ErrorMapper.toApiError(err, null))))
          .onComplete(v -> end(closing));
    }

    private void fail(StreamTranslation translation, ApiError error) {
      if (over) {
        return;
      }
      over = true;
      List<JsonObject> closing = new ArrayList<>(1);
      if (translation != null) {
        closing.add(translation.failedEvent(error));
      } else {
        ResponseObject.fail(turn.response(), error);
      }
      store.apply(turn).onComplete(v -> end(closing));
    }

    private void cancel() {
      if (over) {
        return;
      }
      over = true;
      if (chunks != null) {
        chunks.cancel();
      }
      turn.response().put("status", "cancelled");
      store.apply(turn).onComplete(v -> end(List.of()));
    }

    private void end(List<JsonObject> closing) {
      vertx.cancelTimer(leaseTimer);
      vertx.cancelTimer(cancelTimer);
      runs.append(turn.tenant(), turn.id(), closing, true)
          .eventually(() -> runs.release(turn.tenant(), turn.id()));
    }
  }
}
