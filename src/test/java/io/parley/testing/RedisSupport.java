package io.parley.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * A real Redis for tests, one per JVM, started on first use: {@code PARLEY_TEST_REDIS_URL} when set (CI
 * with a service container), else a Testcontainers Redis when Docker is reachable, else the redis-server
 * binary bundled in embedded-redis (6.2, so GETEX works). Tests share it, so they isolate themselves by
 * using fresh random ids rather than by flushing.
 */
public final class RedisSupport {

  public static final String URL_ENV = "PARLEY_TEST_REDIS_URL";

  private static String url;

  private RedisSupport() {
  }

  public static synchronized String url() {
    if (url == null) {
      url = start();
    }
    return url;
  }

  private static String start() {
    String fromEnv = System.getenv(URL_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    return dockerAvailable() ? startContainer() : startEmbedded();
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable e) {
      // Some environments fail Testcontainers' probing with an error rather than answering false.
      return false;
    }
  }

  private static String startContainer() {
    GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse("redis:7-alpine"))
        .withExposedPorts(6379);
    redis.start();
    Runtime.getRuntime().addShutdownHook(new Thread(redis::stop, "redis-test-container-stop"));
    return "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379);
  }

  private static String startEmbedded() {
    try {
      int port = freePort();
      RedisServer server = RedisServer.newRedisServer()
          .port(port)
          .bind("127.0.0.1")
          // A throwaway cache: never write RDB or AOF files anywhere.
          .setting("save \"\"")
          .setting("appendonly no")
          // Keep the default loglevel: start() blocks until it reads "Ready to accept connections",
          // and it stops reading the server's output after that unless a listener drains it.
          .soutListener(line -> { })
          .serrListener(line -> { })
          .build();
      server.start();
      Runtime.getRuntime().addShutdownHook(new Thread(RedisSupport.stopping(server), "embedded-redis-stop"));
      return "redis://127.0.0.1:" + port;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start embedded Redis", e);
    }
  }

  private static Runnable stopping(RedisServer server) {
    return () -> {
      try {
        server.stop();
      } catch (IOException ignored) {
        // The JVM is exiting; the library's own cleaner hook is a second chance.
      }
    };
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
