package io.parley.idempotency;

import io.vertx.core.Future;

import java.time.Duration;

/**
 * Where {@code Idempotency-Key}s live while they count: a running request's claim (with a lease, so a
 * replica that dies frees its keys), then what a retry replays, kept for the configured TTL. Keys are
 * scoped by tenant. Only the ticket that won a claim may renew, complete or release it.
 */
public interface IdempotencyKeys {

  /** Claims the key for {@code lease} if nothing live holds it, in one atomic step; else says what holds it. */
  Future<Claim> claim(IdempotencyKey key, Duration lease);

  /** Extends a claim the ticket still holds. */
  Future<Void> renew(Ticket ticket, Duration lease);

  /** Replaces a claim the ticket still holds by what a retry replays, kept for the TTL. */
  Future<Void> complete(Ticket ticket, Recorded recorded);

  /** Frees a claim the ticket still holds, so that a retry runs again. */
  Future<Void> release(Ticket ticket);

  Future<Void> close();
}
