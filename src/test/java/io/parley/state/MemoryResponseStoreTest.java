package io.parley.state;

import io.vertx.core.Vertx;

import java.time.Duration;

class MemoryResponseStoreTest extends ResponseStoreContract {

  @Override
  protected ResponseStore createStore(Vertx vertx, Duration ttl) {
    return new MemoryResponseStore(ttl, 10_000);
  }
}
