package io.parley.upstream;

import io.parley.metrics.Metrics;

/**
 * The metrics of one provider call: its duration by outcome, its failure kind, and its place in its
 * replica's in-flight count. Finishes once; all of a call's callbacks run on one event loop.
 */
final class UpstreamCall {

  private final Metrics metrics;
  private final Replica replica;
  private final long start = System.nanoTime();
  private boolean finished;

  UpstreamCall(Metrics metrics, Replica replica) {
    this.metrics = metrics;
    this.replica = replica;
    replica.callStarted();
  }

  void succeeded() {
    finish("ok");
  }

  void cancelled() {
    finish("cancelled");
  }

  /** @param raw the failure before mapping, so its kind is still visible */
  void failed(Throwable raw) {
    if (finished) {
      return;
    }
    String kind = UpstreamErrors.kind(raw);
    metrics.upstreamError(kind);
    finish(kind.equals("http_4xx") ? "client_error" : "error");
  }

  private void finish(String outcome) {
    if (!finished) {
      finished = true;
      replica.callFinished();
      metrics.upstreamRequest(outcome, System.nanoTime() - start);
    }
  }
}
