package io.parley.idempotency;

import io.parley.redis.RedisConnections;
import io.parley.testing.RedisSupport;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract against a real Redis, and how a key is kept there: hashed, under the tenant, with its TTL. */
class RedisIdempotencyKeysTest extends IdempotencyKeysContract {

  private Redis client;

  @Override
  IdempotencyKeys create(Vertx vertx, Duration ttl) {
    if (client == null) {
      client = Redis.createClient(vertx, RedisConnections.standalone(RedisSupport.url()));
    }
    return new RedisIdempotencyKeys(client, ttl);
  }

  @AfterEach
  void closeClient() {
    await(client.close());
  }

  @Test
  void aKeyIsStoredHashedUnderItsTenantWithTheLeaseThenTheTtl() {
    IdempotencyKey key = key("tenant-a", "fp-1");
    String redisKey = "parley:tenant-a:idem:" + key.hashed();
    Ticket ticket = won(key);

    long leasePttl = await(client.send(Request.cmd(Command.PTTL).arg(redisKey))).toLong();
    assertThat(leasePttl).isPositive().isLessThanOrEqualTo(LEASE.toMillis());
    assertThat(await(client.send(Request.cmd(Command.GET).arg(redisKey))).toString()).doesNotContain(key.key());

    await(keys.complete(ticket, new Recorded("resp_1", null)));
    long recordPttl = await(client.send(Request.cmd(Command.PTTL).arg(redisKey))).toLong();
    assertThat(recordPttl).isGreaterThan(LEASE.toMillis()).isLessThanOrEqualTo(TTL.toMillis());
  }
}
