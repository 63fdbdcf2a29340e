package io.parley.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Redis script shipped under {@code src/main/resources/lua}, run by its digest: EVALSHA, so a call sends
 * 40 hex digits rather than the script. A server that does not hold the script (restarted, failed over,
 * another cluster node, SCRIPT FLUSH) answers NOSCRIPT, and the call is sent once more as EVAL, which runs
 * it and caches it there again. EVAL rather than SCRIPT LOAD: one round trip, and routed by its keys to
 * the node that lacked the script.
 */
public final class LuaScript {

  private final String body;
  private final String sha;

  private LuaScript(String body) {
    this.body = body;
    this.sha = sha1(body);
  }

  /** Reads {@code /lua/<name>} from the class path; callers keep the result in a constant. */
  public static LuaScript load(String name) {
    try (InputStream in = LuaScript.class.getResourceAsStream("/lua/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no script /lua/" + name + " on the class path");
      }
      return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the script with {@code KEYS} and {@code ARGV}; the reply is the script's return value. */
  public Future<Response> run(Redis redis, List<String> keys, List<String> args) {
    return redis.send(request(Command.EVALSHA, sha, keys, args))
        .recover(failure -> String.valueOf(failure.getMessage()).startsWith("NOSCRIPT")
            ? redis.send(request(Command.EVAL, body, keys, args))
            : Future.failedFuture(failure));
  }

  private static Request request(Command command, String script, List<String> keys, List<String> args) {
    Request request = Request.cmd(command).arg(script).arg(keys.size());
    for (String key : keys) {
      request.arg(key);
    }
    for (String arg : args) {
      request.arg(arg);
    }
    return request;
  }

  private static String sha1(String script) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
