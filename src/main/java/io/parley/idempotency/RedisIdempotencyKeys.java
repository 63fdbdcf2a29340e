package io.parley.idempotency;

import io.parley.redis.LuaScript;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Keys shared by every replica through Redis, one string key each: a claim is taken with one
 * {@code SET NX PX} (the lease), and the holder renews, completes or releases it with one script that acts
 * only while the key still holds its own claim. Values are lines, so a kept answer is stored as its JSON
 * bytes, not JSON inside JSON: {@code R\n<fingerprint>\n<owner>} for a claim,
 * {@code D\n<fingerprint>\n<id>\n<body or nothing>} for a record.
 */
public final class RedisIdempotencyKeys implements IdempotencyKeys {

  private static final LuaScript OWNED = LuaScript.load("idempotency_owned.lua");
  /** A claim that vanished between its SET NX and the GET (released or expired) is claimed again, this often. */
  private static final int CLAIM_TRIES = 3;

  private final Redis redis;
  private final long ttlMillis;

  public RedisIdempotencyKeys(Redis redis, Duration ttl) {
    this.redis = redis;
    this.ttlMillis = ttl.toMillis();
  }

  @Override
  public Future<Claim> claim(IdempotencyKey key, Duration lease) {
    return claim(key, lease, CLAIM_TRIES);
  }

  private Future<Claim> claim(IdempotencyKey key, Duration lease, int tries) {
    Ticket ticket = new Ticket(key, UUID.randomUUID().toString());
    return redis.send(Request.cmd(Command.SET).arg(redisKey(key)).arg(claimValue(ticket))
            .arg("NX").arg("PX").arg(lease.toMillis()))
        .compose(set -> set != null ? Future.succeededFuture(new Claim.Won(ticket))
            : redis.send(Request.cmd(Command.GET).arg(redisKey(key))).compose(held -> held != null
                ? Future.succeededFuture(held(held))
                : tries > 1 ? claim(key, lease, tries - 1)
                : Future.failedFuture(new IllegalStateException("an idempotency key kept vanishing while being claimed"))));
  }

  @Override
  public Future<Void> renew(Ticket ticket, Duration lease) {
    return owned(ticket, claimValue(ticket), lease.toMillis());
  }

  @Override
  public Future<Void> complete(Ticket ticket, Recorded recorded) {
    String value = "D\n" + ticket.key().fingerprint() + "\n" + recorded.id() + "\n"
        + (recorded.body() == null ? "" : recorded.body().toString());
    return owned(ticket, value, ttlMillis);
  }

  @Override
  public Future<Void> release(Ticket ticket) {
    return owned(ticket, "", 0);
  }

  /** Nothing to release: the client is the process's, closed by whoever created it. */
  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private Future<Void> owned(Ticket ticket, String value, long ttl) {
    return OWNED.run(redis, List.of(redisKey(ticket.key())), List.of(claimValue(ticket), value, Long.toString(ttl)))
        .mapEmpty();
  }

  private static Claim.Held held(Response value) {
    String[] lines = value.toString().split("\n", 4);
    if (lines[0].equals("R")) {
      return new Claim.Held(lines[1], null);
    }
    Buffer body = lines.length < 4 || lines[3].isEmpty() ? null : Buffer.buffer(lines[3]);
    return new Claim.Held(lines[1], new Recorded(lines[2], body));
  }

  private static String claimValue(Ticket ticket) {
    return "R\n" + ticket.key().fingerprint() + "\n" + ticket.owner();
  }

  private static String redisKey(IdempotencyKey key) {
    return "parley:" + key.tenant() + ":idem:" + key.hashed();
  }
}
