package io.parley.redis;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Fails a Redis command that has no answer within the timeout, without a timer per command (a timer is a
 * scheduled task set and cancelled around every command, the most common thing a gateway sends). Each event
 * loop keeps its commands in flight in the order they were sent, which is also the order of their deadlines
 * (there is one timeout), and one periodic sweep fails those past their deadline: at most a tick (a tenth of
 * the timeout, 50 ms at most) late. A command answered after its deadline but before the sweep fails all the
 * same, so every command slower than the timeout fails, as with a timer each. The sweep stops when its event
 * loop has nothing in flight. It is a task on the Netty event loop itself, not a Vert.x timer, because a Vert.x
 * timer belongs to the verticle it was set from and goes with it when that is undeployed, while the commands
 * it watches may belong to others. Callers off an event loop of this Vert.x (start-up, tests) get a timer each.
 */
final class CommandDeadlines {

  private static final long MAX_TICK_MILLIS = 50;

  private final Vertx vertx;
  private final long timeoutMillis;
  private final long timeoutNanos;
  private final long tickMillis;
  private final ThreadLocal<Sweep> sweeps = new ThreadLocal<>();

  CommandDeadlines(Vertx vertx, long timeoutMillis) {
    this.vertx = vertx;
    this.timeoutMillis = timeoutMillis;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    this.tickMillis = Math.max(1, Math.min(MAX_TICK_MILLIS, timeoutMillis / 10));
  }

  /**
   * {@code sent}'s outcome, or a {@link TimeoutException} if it took longer than the timeout; a failure goes
   * through {@code failure} (which may map it) before it reaches the caller.
   */
  <T> Future<T> guard(Future<T> sent, Function<Throwable, Throwable> failure) {
    Context context = Vertx.currentContext();
    if (context == null || context.owner() != vertx || !Context.isOnEventLoopThread()) {
      return sent.timeout(timeoutMillis, TimeUnit.MILLISECONDS).recover(err -> Future.failedFuture(failure.apply(err)));
    }
    Pending<T> pending = new Pending<>(System.nanoTime() + timeoutNanos, context, failure);
    Sweep sweep = sweeps.get();
    if (sweep == null) {
      sweep = new Sweep(((ContextInternal) context).nettyEventLoop());
      sweeps.set(sweep);
    }
    sweep.add(pending);
    sent.onComplete(pending);
    return pending.promise.future();
  }

  private TimeoutException timedOut() {
    return new TimeoutException("no answer within " + timeoutMillis + " ms");
  }

  /** One event loop's commands in flight, oldest first; confined to that event loop's thread. */
  private final class Sweep {

    private final ArrayDeque<Pending<?>> inFlight = new ArrayDeque<>();
    private final EventLoop loop;
    private ScheduledFuture<?> ticks;

    Sweep(EventLoop loop) {
      this.loop = loop;
    }

    void add(Pending<?> pending) {
      inFlight.addLast(pending);
      if (ticks == null) {
        ticks = loop.scheduleAtFixedRate(this::sweep, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
      }
    }

    private void sweep() {
      long now = System.nanoTime();
      Pending<?> oldest;
      while ((oldest = inFlight.peekFirst()) != null && (oldest.answered() || now - oldest.deadline >= 0)) {
        inFlight.pollFirst();
        if (!oldest.answered()) {
          try {
            oldest.expire();
          } catch (RuntimeException closing) {
            // Vert.x is closing and runs nothing more; a throw would stop this task for good.
          }
        }
      }
      if (inFlight.isEmpty()) {
        ticks.cancel(false);
        ticks = null;
      }
    }
  }

  /** A command in flight: its deadline, and the promise its caller holds. */
  private final class Pending<T> implements Handler<AsyncResult<T>> {

    final long deadline;
    final Promise<T> promise = Promise.promise();
    private final Context context;
    private final Function<Throwable, Throwable> failure;

    Pending(long deadline, Context context, Function<Throwable, Throwable> failure) {
      this.deadline = deadline;
      this.context = context;
      this.failure = failure;
    }

    boolean answered() {
      return promise.future().isComplete();
    }

    /** The client's answer, on the caller's context. */
    @Override
    public void handle(AsyncResult<T> answer) {
      if (answered()) {
        return; // failed at its deadline already
      }
      if (System.nanoTime() - deadline >= 0) {
        promise.tryFail(failure.apply(timedOut()));
      } else if (answer.succeeded()) {
        promise.tryComplete(answer.result());
      } else {
        promise.tryFail(failure.apply(answer.cause()));
      }
    }

    /** No answer by the deadline: fails on the caller's context, as its answer would have come. */
    void expire() {
      context.runOnContext(v -> {
        if (!answered()) {
          promise.tryFail(failure.apply(timedOut()));
        }
      });
    }
  }
}
