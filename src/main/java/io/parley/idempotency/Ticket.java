package io.parley.idempotency;

/** A claim a request won on a key: only its holder ({@code owner}, random) may renew, complete or release it. */
public record Ticket(IdempotencyKey key, String owner) {
}
