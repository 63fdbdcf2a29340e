package io.parley.background;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;

/**
 * What replicas share about background runs: the run's lease (held and renewed by the replica running
 * it, so a dead replica's runs can be detected), a cancel flag any replica can raise, and the log of the
 * run's stream events, whose position is the event's {@code sequence_number}, so any replica can replay
 * a stream from any point and follow it to its end.
 */
public interface RunLog {

  /** Takes or renews the lease for {@code ttl}. */
  Future<Void> lease(String tenant, String id, Duration ttl);

  Future<Boolean> leased(String tenant, String id);

  Future<Void> requestCancel(String tenant, String id);

  Future<Boolean> cancelRequested(String tenant, String id);

  /** Releases the lease and the cancel flag once the run has stored its final state. */
  Future<Void> release(String tenant, String id);

  /** Appends events in order; {@code done} also marks the log complete. */
  Future<Void> append(String tenant, String id, List<JsonObject> events, boolean done);

  /** Events with {@code sequence_number > after}, and whether the log is complete. */
  Future<Page> after(String tenant, String id, long after);

  Future<Void> close();

  /** A slice of the log. */
  record Page(List<JsonObject> events, boolean done) {
  }
}
