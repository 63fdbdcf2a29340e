package io.parley.turn;

import io.parley.background.RunLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;

/**
 * What a background turn holds while it runs: its lease in the shared run log, renewed every third of its
 * length (so a replica that dies is noticed when the lease expires), and a watch on the cancel flag any
 * replica can raise. Taken once the turn is stored as queued; given back by {@link #release}.
 */
final class BackgroundHold {

  private final Vertx vertx;
  private final RunLog runs;
  private final String tenant;
  private final String id;
  private long leaseTimer = -1;
  private long cancelTimer = -1;

  BackgroundHold(Vertx vertx, RunLog runs, String tenant, String id) {
    this.vertx = vertx;
    this.runs = runs;
    this.tenant = tenant;
    this.id = id;
  }

  Future<Void> lease(Duration lease) {
    return runs.lease(tenant, id, lease);
  }

  /** Renews the lease and polls the cancel flag every {@code pollMs}, calling {@code onCancel} when it is raised. */
  void watch(Duration lease, long pollMs, Runnable onCancel) {
    leaseTimer = vertx.setPeriodic(Math.max(100, lease.toMillis() / 3), t -> runs.lease(tenant, id, lease));
    cancelTimer = vertx.setPeriodic(pollMs, t -> runs.cancelRequested(tenant, id).onSuccess(cancel -> {
      if (cancel) {
        onCancel.run();
      }
    }));
  }

  /** Stops the watch and releases the lease and the cancel flag (the turn's final state is stored by then). */
  void release() {
    vertx.cancelTimer(leaseTimer);
    vertx.cancelTimer(cancelTimer);
    runs.release(tenant, id);
  }
}
