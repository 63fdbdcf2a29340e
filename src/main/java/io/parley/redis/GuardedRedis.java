package io.parley.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The process's Redis client as every store sees it: each command answers within the timeout or fails,
 * an unreachable Redis fails as {@link StoreUnavailableException} (and opens the {@link StoreHealth}
 * breaker, so the next commands fail at once instead of each waiting), and Redis's own error replies
 * ({@code NOSCRIPT}, {@code WRONGTYPE}, ...) pass through unchanged for their callers to handle.
 */
public final class GuardedRedis implements Redis {

  /** Error replies that mean "not now" rather than "wrong command": the store is unavailable, not broken. */
  private static final Set<String> UNAVAILABLE_REPLIES = Set.of("LOADING", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN",
      "READONLY", "NOREPLICAS", "BUSY");

  private final Redis redis;
  private final StoreHealth health;
  private final long timeoutMillis;
  private final CommandDeadlines deadlines;

  public GuardedRedis(Vertx vertx, Redis redis, Duration timeout) {
    this.redis = redis;
    this.health = new StoreHealth(vertx);
    this.timeoutMillis = timeout.toMillis();
    this.deadlines = new CommandDeadlines(vertx, timeoutMillis);
  }

  /** The breaker's state: {@code false} while Redis is known to be unreachable. */
  public StoreHealth health() {
    return health;
  }

  /** The health of a client that may be guarded (an unguarded one counts as always available). */
  public static boolean available(Redis redis) {
    return !(redis instanceof GuardedRedis guarded) || guarded.health.available();
  }

  @Override
  public Future<Response> send(Request command) {
    if (!health.available()) {
      return Future.failedFuture(unavailable(health.cause()));
    }
    return guard(redis.send(command));
  }

  @Override
  public Future<List<Response>> batch(List<Request> commands) {
    if (!health.available()) {
      return Future.failedFuture(unavailable(health.cause()));
    }
    return guard(redis.batch(commands));
  }

  @Override
  public Future<RedisConnection> connect() {
    return redis.connect();
  }

  @Override
  public Future<Void> close() {
    return redis.close();
  }

  private <T> Future<T> guard(Future<T> sent) {
    return deadlines.guard(sent, this::classify);
  }

  /** What the caller is told of a failed command; an unreachable or too slow Redis also opens the breaker. */
  private Throwable classify(Throwable failure) {
    if (failure instanceof ErrorType reply && !unavailableReply(reply)) {
      return failure;
    }
    String why = failure instanceof ErrorType reply ? "Redis answered " + kind(reply)
        : failure instanceof java.util.concurrent.TimeoutException ? "no answer within " + timeoutMillis + " ms"
        : "cannot connect: " + failure.getClass().getSimpleName();
    health.failed(why, () -> redis.send(Request.cmd(Command.PING)).timeout(timeoutMillis, TimeUnit.MILLISECONDS));
    return unavailable(why);
  }

  /**
   * A "not now" reply, or a connection lost under a command: the client reports that as an error reply too
   * ({@code CONNECTION_CLOSED}, and a batch's as {@code ERR [i] <cause>} for each of its commands).
   */
  private static boolean unavailableReply(ErrorType reply) {
    String message = String.valueOf(reply.getMessage());
    return UNAVAILABLE_REPLIES.contains(kind(reply)) || message.contains("CONNECTION_CLOSED")
        || message.contains("ClosedChannelException") || message.contains("Connection reset")
        || message.contains("ConnectException");
  }

  /** The error reply's first word ({@code LOADING}, {@code ERR}, ...). */
  private static String kind(ErrorType reply) {
    String message = String.valueOf(reply.getMessage());
    int space = message.indexOf(' ');
    return space < 0 ? message : message.substring(0, space);
  }

  private static StoreUnavailableException unavailable(String why) {
    return new StoreUnavailableException("The response store (Redis) is unavailable"
        + (why == null ? "" : " (" + why + ")") + "; retry shortly.");
  }
}
