package io.parley.state;

import io.parley.background.RunLog;
import io.parley.limit.RateLimiter;
import io.vertx.core.Future;

/** The stateful parts one gateway verticle uses, created and closed together. */
public record Backends(ResponseStore responses, ConversationStore conversations, RateLimiter limiter, RunLog runs) {

  public Future<Void> close() {
    return responses.close()
        .eventually(conversations::close)
        .eventually(limiter::close)
        .eventually(runs::close);
  }
}
