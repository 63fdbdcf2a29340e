package io.parley.backend;

import io.parley.background.RunLog;
import io.parley.idempotency.IdempotencyKeys;
import io.parley.files.FileStore;
import io.parley.limit.RateLimiter;
import io.parley.state.ConversationStore;
import io.parley.state.RecentResponses;
import io.parley.state.ResponseStore;
import io.vertx.core.Future;

/**
 * The stateful parts the gateway uses: one set per process, shared by every event loop, closed together.
 *
 * @param recent the recent-responses index the operator console lists (nothing to close: it lives on the stores' client)
 */
public record Backends(ResponseStore responses, ConversationStore conversations, RateLimiter limiter, RunLog runs,
    IdempotencyKeys idempotency, RecentResponses recent, FileStore files) {

  public Future<Void> close() {
    return responses.close()
        .eventually(conversations::close)
        .eventually(limiter::close)
        .eventually(runs::close)
        .eventually(idempotency::close)
        .eventually(files::close);
  }
}
