package io.parley.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * The Redis Cluster client with each batch sent as its commands one after another. vertx-redis-client
 * follows MOVED and ASK for a single command, but not inside a batch: there it reports the redirects as
 * one aggregated {@code ERR [i] ASK ...} failure, after the batch's other commands already ran. While a
 * slot migrates, its keys are split between two nodes and such a batch fails, and sending it again would
 * repeat the commands that did run (an RPUSH twice). One command at a time, each is routed and redirected
 * on its own: the order and the missing atomicity of a pipeline, at one round trip per command.
 */
final class SequentialBatchRedis implements Redis {

  private final Redis cluster;

  SequentialBatchRedis(Redis cluster) {
    this.cluster = cluster;
  }

  @Override
  public Future<RedisConnection> connect() {
    return cluster.connect();
  }

  @Override
  public Future<Void> close() {
    return cluster.close();
  }

  @Override
  public Future<Response> send(Request command) {
    return cluster.send(command);
  }

  @Override
  public Future<List<Response>> batch(List<Request> commands) {
    List<Response> replies = new ArrayList<>(commands.size());
    Future<Void> sent = Future.succeededFuture();
    for (Request command : commands) {
      sent = sent.compose(v -> cluster.send(command)).map(reply -> {
        replies.add(reply);
        return null;
      });
    }
    return sent.map(replies);
  }
}
