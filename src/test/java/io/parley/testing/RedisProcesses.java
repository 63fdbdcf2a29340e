package io.parley.testing;

import redis.embedded.core.ExecutableProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Real redis-server processes for fault tests: standalone (with AOF), replica, sentinel and cluster node,
 * each on a free loopback port with its own directory under one temp dir. The binary is the one the
 * embedded-redis test dependency ships (6.2), so neither Docker nor a system-wide Redis is needed.
 * {@link #close()} kills them all and deletes the files; a JVM exit kills whatever is left.
 */
public final class RedisProcesses implements AutoCloseable {

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
  private static Path binary;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "redis-processes-kill"));
  }

  private final Path root;
  private final List<Process> processes = new ArrayList<>();

  public RedisProcesses() {
    try {
      root = Files.createTempDirectory("parley-redis-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The redis-server binary from the embedded-redis jar, extracted once per JVM. */
  static synchronized Path binary() {
    if (binary == null) {
      try {
        binary = ExecutableProvider.newJarResourceProvider().get().toPath();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot extract redis-server from embedded-redis", e);
      }
    }
    return binary;
  }

  /** A standalone server with {@code appendonly yes} and {@code appendfsync always}: an acknowledged write survives SIGKILL. */
  public RedisProcess standalone() {
    return start("standalone", freePort(), List.of());
  }

  /** A replica of {@code master} (with AOF too), started once its link to the master is up. */
  public RedisProcess replicaOf(RedisProcess master) {
    RedisProcess replica = start("replica", freePort(), List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
    await(() -> String.valueOf(replica.call("INFO", "replication")).contains("master_link_status:up"),
        15_000, replica + " never synced with " + master);
    return replica;
  }

  /**
   * A sentinel watching {@code master} as {@code masterName}: down after {@code downAfterMillis} without a
   * reply, failed over by a majority of sentinels once {@code quorum} of them agree.
   */
  public RedisProcess sentinel(String masterName, RedisProcess master, int quorum, long downAfterMillis) {
    int port = freePort();
    Path dir = dir("sentinel", port);
    // A sentinel rewrites its config file as it learns the topology, so each has its own.
    String config = String.join("\n",
        "port " + port,
        "bind 127.0.0.1",
        "dir " + dir,
        "logfile redis.log",
        "sentinel monitor " + masterName + " 127.0.0.1 " + master.port() + " " + quorum,
        "sentinel down-after-milliseconds " + masterName + " " + downAfterMillis,
        "sentinel failover-timeout " + masterName + " 10000",
        "sentinel parallel-syncs " + masterName + " 1",
        "");
    try {
      Files.writeString(dir.resolve("sentinel.conf"), config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return launch(new RedisProcess(this, "sentinel", port, dir, List.of(dir.resolve("sentinel.conf").toString(), "--sentinel")));
  }

  /** A node with {@code cluster-enabled yes} and no slots yet; {@link RedisClusterNodes#form} joins such nodes into a cluster. */
  public RedisProcess clusterNode() {
    return start("cluster-node", freeClusterPort(), List.of("--cluster-enabled", "yes",
        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"));
  }

  private RedisProcess start(String kind, int port, List<String> extra) {
    Path dir = dir(kind, port);
    List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--logfile", "redis.log", "--daemonize", "no", "--save", "",
        "--appendonly", "yes", "--appendfsync", "always"));
    args.addAll(extra);
    return launch(new RedisProcess(this, kind, port, dir, args));
  }

  private RedisProcess launch(RedisProcess process) {
    return process.start();
  }

  synchronized void track(Process process) {
    processes.add(process);
    LIVE.add(process);
  }

  private Path dir(String kind, int port) {
    try {
      return Files.createDirectories(root.resolve(kind + "-" + port));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A free port below the kernel's ephemeral range (32768+), so that no outgoing connection takes it
   * while a killed server is down and it can be started again on the same port.
   */
  private static int freePort() {
    return freePort(20_000, 30_000);
  }

  /** A cluster node also listens on its port + 10000 (the cluster bus): both must be free. */
  private static int freeClusterPort() {
    for (int i = 0; i < 100; i++) {
      int port = freePort(10_000, 20_000);
      if (bindable(port + 10_000)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port pair for a cluster node");
  }

  private static int freePort(int from, int to) {
    for (int i = 0; i < 200; i++) {
      int port = ThreadLocalRandom.current().nextInt(from, to);
      if (bindable(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port in " + from + ".." + to);
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Polls {@code condition} every 50 ms until it holds, failing after {@code timeoutMillis}. */
  public static void await(java.util.function.BooleanSupplier condition, long timeoutMillis, String failure) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        // Not ready yet: e.g. a server still loading, or one that is down on purpose.
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(failure + " (after " + timeoutMillis + " ms)");
      }
      pause(50);
    }
  }

  public static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Kills every process started here and deletes their files. */
  @Override
  public synchronized void close() {
    for (Process process : processes) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      LIVE.remove(process);
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // A temp dir left behind is harmless.
    }
  }
}
