package io.parley.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One redis-server process of a {@link RedisProcesses} set: its own port and directory (AOF, cluster
 * config, log), so it can be killed and started again on the same port with the data it had written.
 */
public final class RedisProcess {

  private static final long READY_TIMEOUT_MS = 15_000;

  private final RedisProcesses owner;
  private final String name;
  private final int port;
  private final Path dir;
  private final List<String> args;
  private Process process;

  RedisProcess(RedisProcesses owner, String name, int port, Path dir, List<String> args) {
    this.owner = owner;
    this.name = name;
    this.port = port;
    this.dir = dir;
    this.args = args;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Where this server keeps its files; {@code redis.log} is its log. */
  public Path dir() {
    return dir;
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  /** One command on a fresh connection; an error reply is thrown as {@link RespClient.Error}. */
  public Object call(Object... command) {
    return RespClient.call(port, command);
  }

  /** Starts the server (again, after {@link #kill()}: same port, same directory, so AOF data is reloaded) and waits until it answers PING. */
  public synchronized RedisProcess start() {
    if (alive()) {
      throw new IllegalStateException(name + " is already running");
    }
    List<String> command = new ArrayList<>();
    command.add(RedisProcesses.binary().toString());
    command.addAll(args);
    try {
      process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
    owner.track(process);
    awaitReady();
    return this;
  }

  /** SIGKILL: no shutdown, no final fsync. With {@code appendfsync always} every acknowledged write is already on disk. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + " did not die after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void awaitReady() {
    long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
    RuntimeException last = null;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log:\n" + log());
      }
      try {
        // LOADING (an AOF being read back) is an error reply, so this waits for the data too.
        if ("PONG".equals(call("PING"))) {
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      RedisProcesses.pause(20);
    }
    throw new IllegalStateException(name + " did not answer PING within " + READY_TIMEOUT_MS + " ms; log:\n" + log(), last);
  }

  /** The end of the server's log, for failure messages. */
  public String log() {
    try {
      Path log = dir.resolve("redis.log");
      if (!Files.exists(log)) {
        log = dir.resolve("stdout.log");
      }
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public String toString() {
    return name + "@" + port;
  }
}
