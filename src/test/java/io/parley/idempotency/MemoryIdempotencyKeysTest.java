package io.parley.idempotency;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract in memory, and its bounds: past them the oldest keys are forgotten first. */
class MemoryIdempotencyKeysTest extends IdempotencyKeysContract {

  @Override
  IdempotencyKeys create(Vertx vertx, Duration ttl) {
    return new MemoryIdempotencyKeys(ttl, 1000, 64L * 1024 * 1024);
  }

  @Test
  void pastItsEntryBoundTheOldestKeysAreForgotten() {
    MemoryIdempotencyKeys small = new MemoryIdempotencyKeys(TTL, 3, Long.MAX_VALUE);
    IdempotencyKey[] added = new IdempotencyKey[4];
    for (int i = 0; i < added.length; i++) {
      added[i] = key("t", "fp-" + i);
      Ticket ticket = ((Claim.Won) await(small.claim(added[i], LEASE))).ticket();
      await(small.complete(ticket, new Recorded("resp_" + i, null)));
    }

    assertThat(await(small.claim(added[0], LEASE))).isInstanceOf(Claim.Won.class);
    assertThat(await(small.claim(added[3], LEASE))).isInstanceOf(Claim.Held.class);
  }

  @Test
  void pastItsByteBoundTheOldestAnswersAreForgotten() {
    MemoryIdempotencyKeys small = new MemoryIdempotencyKeys(TTL, 1000, 3 * 1024 * 1024);
    Buffer answer = Buffer.buffer(new byte[1024 * 1024]);
    IdempotencyKey[] added = new IdempotencyKey[3];
    for (int i = 0; i < added.length; i++) {
      added[i] = key("t", "fp-" + i);
      Ticket ticket = ((Claim.Won) await(small.claim(added[i], LEASE))).ticket();
      await(small.complete(ticket, new Recorded("resp_" + i, answer)));
    }

    assertThat(await(small.claim(added[0], LEASE))).isInstanceOf(Claim.Won.class);
    assertThat(await(small.claim(added[2], LEASE))).isInstanceOf(Claim.Held.class);
  }
}
