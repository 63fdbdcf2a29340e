package io.parley.idempotency;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link IdempotencyKeys} must do: one claim wins, others see it; only the winner's ticket
 * renews, completes or releases it; a lapsed lease frees the key; a record outlives the lease for the TTL.
 * Each case uses fresh random keys, so a shared Redis is fine.
 */
abstract class IdempotencyKeysContract {

  static final Duration TTL = Duration.ofMinutes(10);
  static final Duration LEASE = Duration.ofSeconds(10);

  Vertx vertx;
  IdempotencyKeys keys;

  abstract IdempotencyKeys create(Vertx vertx, Duration ttl);

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    keys = create(vertx, TTL);
  }

  @AfterEach
  void close() {
    await(keys.close());
    await(vertx.close());
  }

  @Test
  void theFirstClaimWinsAndLaterOnesSeeItRunning() {
    IdempotencyKey key = key("tenant-a", "fp-1");
    Claim first = await(keys.claim(key, LEASE));
    Claim second = await(keys.claim(key, LEASE));

    assertThat(first).isInstanceOf(Claim.Won.class);
    assertThat(second).isEqualTo(new Claim.Held("fp-1", null));
    assertThat(((Claim.Held) second).done()).isFalse();
  }

  @Test
  void aCompletedClaimIsSeenWithWhatItRecorded() {
    IdempotencyKey key = key("tenant-a", "fp-1");
    Ticket ticket = won(key);
    JsonObject body = new JsonObject().put("id", "resp_1").put("text", "naïve ✓\nline two");
    await(keys.complete(ticket, new Recorded("resp_1", body.toBuffer())));

    Claim.Held held = (Claim.Held) await(keys.claim(key, LEASE));
    assertThat(held.done()).isTrue();
    assertThat(held.fingerprint()).isEqualTo("fp-1");
    assertThat(held.recorded().id()).isEqualTo("resp_1");
    assertThat(held.recorded().json()).isEqualTo(body);

    Ticket other = won(key("tenant-a", "fp-2"));
    await(keys.complete(other, new Recorded("resp_2", null)));
    Claim.Held byId = (Claim.Held) await(keys.claim(other.key(), LEASE));
    assertThat(byId.recorded()).isEqualTo(new Recorded("resp_2", null));
  }

  @Test
  void aReleasedKeyCanBeClaimedAgain() {
    IdempotencyKey key = key("tenant-a", "fp-1");
    await(keys.release(won(key)));

    assertThat(await(keys.claim(key, LEASE))).isInstanceOf(Claim.Won.class);
  }

  @Test
  void keysAreScopedByTenant() {
    String shared = UUID.randomUUID().toString();
    won(new IdempotencyKey("tenant-a", shared, "fp-a"));

    assertThat(await(keys.claim(new IdempotencyKey("tenant-b", shared, "fp-b"), LEASE))).isInstanceOf(Claim.Won.class);
  }

  @Test
  void onlyTheWinningTicketCanCompleteOrReleaseTheClaim() {
    IdempotencyKey key = key("tenant-a", "fp-1");
    Ticket winner = won(key);
    Ticket impostor = new Ticket(key, "someone-else");

    await(keys.release(impostor));
    await(keys.complete(impostor, new Recorded("resp_x", null)));

    assertThat(await(keys.claim(key, LEASE))).isEqualTo(new Claim.Held("fp-1", null));
    await(keys.complete(winner, new Recorded("resp_1", null)));
    assertThat(await(keys.claim(key, LEASE))).isEqualTo(new Claim.Held("fp-1", new Recorded("resp_1", null)));
  }

  @Test
  void aClaimWhoseLeaseRanOutIsFreeAndItsOldTicketNoLongerCounts() throws Exception {
    IdempotencyKey key = key("tenant-a", "fp-1");
    Ticket lapsed = await(keys.claim(key, Duration.ofMillis(200))) instanceof Claim.Won won ? won.ticket() : null;
    assertThat(lapsed).isNotNull();
    Thread.sleep(400);

    Ticket next = won(key);
    await(keys.complete(lapsed, new Recorded("resp_old", null)));
    await(keys.release(lapsed));

    assertThat(await(keys.claim(key, LEASE))).isEqualTo(new Claim.Held("fp-1", null));
    await(keys.complete(next, new Recorded("resp_new", null)));
    assertThat(((Claim.Held) await(keys.claim(key, LEASE))).recorded().id()).isEqualTo("resp_new");
  }

  @Test
  void aRenewedClaimOutlivesItsFirstLease() throws Exception {
    IdempotencyKey key = key("tenant-a", "fp-1");
    Ticket ticket = await(keys.claim(key, Duration.ofMillis(300))) instanceof Claim.Won won ? won.ticket() : null;
    await(keys.renew(ticket, LEASE));
    Thread.sleep(500);

    assertThat(await(keys.claim(key, LEASE))).isEqualTo(new Claim.Held("fp-1", null));
  }

  @Test
  void aRecordLastsTheTtlNotTheLease() throws Exception {
    IdempotencyKeys shortLived = create(vertx, Duration.ofMillis(600));
    IdempotencyKey key = key("tenant-a", "fp-1");
    Ticket ticket = await(shortLived.claim(key, Duration.ofMillis(100))) instanceof Claim.Won won ? won.ticket() : null;
    await(shortLived.complete(ticket, new Recorded("resp_1", Buffer.buffer("{}"))));
    Thread.sleep(250);
    assertThat(((Claim.Held) await(shortLived.claim(key, LEASE))).done()).isTrue();

    Thread.sleep(600);
    assertThat(await(shortLived.claim(key, LEASE))).isInstanceOf(Claim.Won.class);
  }

  Ticket won(IdempotencyKey key) {
    Claim claim = await(keys.claim(key, LEASE));
    assertThat(claim).isInstanceOf(Claim.Won.class);
    return ((Claim.Won) claim).ticket();
  }

  static IdempotencyKey key(String tenant, String fingerprint) {
    return new IdempotencyKey(tenant, "key-" + UUID.randomUUID(), fingerprint);
  }

  static <T> T await(Future<T> future) {
    try {
      return future.await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the key store did not answer within 10 s", e);
    }
  }
}
