package io.parley;

import io.parley.config.ConfigException;
import io.parley.config.ConfigLoader;
import io.parley.config.ParleyConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar parley.jar}: read the configuration once, start, and stop the process if that fails. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    ParleyConfig config;
    try {
      config = ConfigLoader.load(System.getenv());
    } catch (ConfigException e) {
      System.err.println("parley: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops()));
    Parley.start(vertx, config)
        .onSuccess(parley -> LOG.info("Parley listening on {}:{} ({})", config.host(), parley.port(), config))
        .onFailure(err -> {
          LOG.error("Parley failed to start: {}", err.getMessage(), err);
          vertx.close().onComplete(v -> System.exit(1));
        });
  }
}
