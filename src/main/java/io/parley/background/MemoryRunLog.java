package io.parley.background;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Runs of one process. Each log keeps at most {@link #MAX_EVENTS} events (later ones are not replayable). */
public final class MemoryRunLog implements RunLog {

  static final int MAX_EVENTS = 100_000;

  private static final class Run {
    final List<JsonObject> events = new ArrayList<>();
    long leaseUntil;
    boolean cancel;
    boolean done;
  }

  private final Map<String, Run> runs = new ConcurrentHashMap<>();

  private Run run(String tenant, String id) {
    return runs.computeIfAbsent(tenant + '/' + id, k -> new Run());
  }

  @Override
  public Future<Void> lease(String tenant, String id, Duration ttl) {
    Run run = run(tenant, id);
    synchronized (run) {
      run.leaseUntil = System.currentTimeMillis() + ttl.toMillis();
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> leased(String tenant, String id) {
    Run run = run(tenant, id);
    synchronized (run) {
      return Future.succeededFuture(run.leaseUntil > System.currentTimeMillis());
    }
  }

  @Override
  public Future<Void> requestCancel(String tenant, String id) {
    Run run = run(tenant, id);
    synchronized (run) {
      run.cancel = true;
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> cancelRequested(String tenant, String id) {
    Run run = run(tenant, id);
    synchronized (run) {
      return Future.succeededFuture(run.cancel);
    }
  }

  @Override
  public Future<Void> release(String tenant, String id) {
    Run run = run(tenant, id);
    synchronized (run) {
      run.leaseUntil = 0;
      run.cancel = false;
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> append(String tenant, String id, List<JsonObject> events, boolean done) {
    Run run = run(tenant, id);
    synchronized (run) {
      for (JsonObject event : events) {
        if (run.events.size() < MAX_EVENTS) {
          run.events.add(event);
        }
      }
      run.done |= done;
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Page> after(String tenant, String id, long after) {
    Run run = run(tenant, id);
    synchronized (run) {
      int from = (int) Math.min(Math.max(after + 1, 0), run.events.size());
      return Future.succeededFuture(new Page(List.copyOf(run.events.subList(from, run.events.size())), run.done));
    }
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
