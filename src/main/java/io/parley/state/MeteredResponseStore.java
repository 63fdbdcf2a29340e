package io.parley.state;

import io.parley.metrics.Metrics;
import io.vertx.core.Future;

import java.util.List;

/** Times every call of another store into {@code parley_store_operation_duration_seconds}. */
public final class MeteredResponseStore implements ResponseStore {

  private final ResponseStore store;
  private final String backend;
  private final Metrics metrics;

  public MeteredResponseStore(ResponseStore store, String backend, Metrics metrics) {
    this.store = store;
    this.backend = backend;
    this.metrics = metrics;
  }

  @Override
  public Future<Void> put(String tenant, StoredResponse response) {
    long start = System.nanoTime();
    return timed("put", store.put(tenant, response), start);
  }

  @Override
  public Future<StoredResponse> get(String tenant, String id) {
    long start = System.nanoTime();
    return store.get(tenant, id).andThen(ar -> record("get", start,
        ar.failed() ? "error" : ar.result() == null ? "miss" : "ok"));
  }

  @Override
  public Future<Boolean> delete(String tenant, String id) {
    long start = System.nanoTime();
    return store.delete(tenant, id).andThen(ar -> record("delete", start,
        ar.failed() ? "error" : ar.result() ? "ok" : "miss"));
  }

  @Override
  public Future<List<StoredResponse>> loadChain(String tenant, String id) {
    long start = System.nanoTime();
    return store.loadChain(tenant, id).andThen(ar -> record("load_chain", start,
        ar.succeeded() ? "ok" : ar.cause() instanceof MissingTurnException ? "miss" : "error"));
  }

  @Override
  public Future<Void> touchChain(String tenant, List<String> ids) {
    long start = System.nanoTime();
    return store.touchChain(tenant, ids).andThen(ar -> record("touch_chain", start,
        ar.succeeded() ? "ok" : ar.cause() instanceof MissingTurnException ? "miss" : "error"));
  }

  @Override
  public Future<io.vertx.core.json.JsonObject> findItem(String tenant, String itemId) {
    long start = System.nanoTime();
    return store.findItem(tenant, itemId).andThen(ar -> record("find_item", start,
        ar.failed() ? "error" : ar.result() == null ? "miss" : "ok"));
  }

  @Override
  public boolean available() {
    return store.available();
  }

  @Override
  public Future<Void> ping() {
    long start = System.nanoTime();
    return timed("ping", store.ping(), start);
  }

  @Override
  public Future<Void> close() {
    return store.close();
  }

  private <T> Future<T> timed(String op, Future<T> call, long start) {
    return call.andThen(ar -> record(op, start, ar.succeeded() ? "ok" : "error"));
  }

  private void record(String op, long start, String outcome) {
    metrics.storeOperation(backend, op, outcome, System.nanoTime() - start);
  }
}
