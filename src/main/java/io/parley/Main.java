package io.parley;

import io.parley.auth.ApiKeys;
import io.parley.config.ConfigException;
import io.parley.config.ConfigLoader;
import io.parley.config.ParleyConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar parley.jar}: read the configuration once, start, and stop the process if that fails.
 * SIGTERM (and Ctrl-C) run {@link Parley#shutdown()} from a JVM shutdown hook, which the JVM waits for.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    if (args.length == 2 && args[0].equals("hash-key")) {
      // For PARLEY_API_KEYS_FILE, which holds hashes only.
      System.out.println(ApiKeys.sha256(args[1]));
      return;
    }
    ParleyConfig config;
    try {
      config = ConfigLoader.load(System.getenv());
    } catch (ConfigException e) {
      System.err.println("parley: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (config.apiKeys().open()) {
      LOG.warn("NO CLIENT API KEYS ARE CONFIGURED (PARLEY_API_KEYS / PARLEY_API_KEYS_FILE): anyone who can reach "
          + "this port can use the provider and read every stored response.");
    }
    Set<String> unknown = ConfigLoader.unknownVariables(System.getenv());
    if (!unknown.isEmpty()) {
      LOG.warn("ignoring environment variables that name no configuration key: {}", unknown);
    }
    Transport transport;
    try {
      transport = Transports.choose(config.transport());
    } catch (ConfigException e) {
      System.err.println("parley: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(config.eventLoops()))
        .withTransport(transport).build();
    Parley.start(vertx, config)
        .onSuccess(parley -> {
          Runtime.getRuntime().addShutdownHook(new Thread(() -> stopGracefully(parley), "parley-shutdown"));
          parley.metrics().transport(Transports.name(transport));
          LOG.info("Parley listening on {}:{} ({} transport; {})", config.host(), parley.port(),
              Transports.name(transport), config);
        })
        .onFailure(err -> {
          LOG.error("Parley failed to start: {}", err.getMessage(), err);
          vertx.close().onComplete(v -> {
            flushLogs();
            System.exit(1);
          });
        });
  }

  /** Runs on the JVM's shutdown-hook thread (never an event loop), so it may block until the drain ends. */
  private static void stopGracefully(Parley parley) {
    ParleyConfig config = parley.config();
    long budgetMs = config.shutdownDelay().toMillis() + config.shutdownGrace().toMillis() + 10_000;
    try {
      parley.shutdown().await(budgetMs, TimeUnit.MILLISECONDS);
      LOG.info("Parley stopped");
    } catch (Exception e) {
      LOG.warn("Parley did not stop cleanly within {} ms: {}", budgetMs, e.toString());
    }
    flushLogs();
  }

  /** Log lines are written in batches by a background thread: write what is queued before the JVM exits. */
  private static void flushLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logging) {
      logging.stop();
    }
  }
}
