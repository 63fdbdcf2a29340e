package io.parley.files;

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

/** The contract on a real Redis, plus what only Redis shows: chunked keys in one hash slot, each with the file's TTL. */
class RedisFileStoreTest extends FileStoreContract {

  private Redis client;

  @Override
  protected FileStore createStore(Vertx vertx) {
    client = Redis.createClient(vertx, RedisConnections.standalone(RedisSupport.url()));
    return new RedisFileStore(vertx, client, false, Duration.ofDays(30), System.getProperty("java.io.tmpdir"));
  }

  @AfterEach
  void closeClient() {
    client.close().await();
  }

  @Test
  void contentIsChunkedUnderTheFilesHashTagWithItsTtl() throws Exception {
    StoredFile file = put(tenant, new byte[RedisFileStore.CHUNK + 10], "user_data", Duration.ofHours(1));
    String meta = "parley:" + tenant + ":file:{" + file.id() + "}";
    for (String key : new String[] {meta, meta + ":0", meta + ":1"}) {
      long ttl = client.send(Request.cmd(Command.PTTL).arg(key)).await().toLong();
      assertThat(ttl).as(key).isPositive().isLessThanOrEqualTo(Duration.ofHours(1).toMillis());
    }
    assertThat(client.send(Request.cmd(Command.STRLEN).arg(meta + ":0")).await().toLong()).isEqualTo(RedisFileStore.CHUNK);
    assertThat(client.send(Request.cmd(Command.STRLEN).arg(meta + ":1")).await().toLong()).isEqualTo(10);
    assertThat(client.send(Request.cmd(Command.EXISTS).arg(meta + ":2")).await().toInteger()).isZero();
  }
}
