package io.parley;

import io.parley.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code PARLEY_TRANSPORT}: auto takes io_uring, else epoll, else NIO; a named one must load. */
class TransportsTest {

  @Test
  void autoTakesTheBestTransportThatLoadsAndVertxRunsOnIt() {
    Transport chosen = Transports.choose("auto");
    assertThat(chosen.available()).isTrue();
    assertThat(chosen).isSameAs(Transport.IO_URING.available() ? Transport.IO_URING
        : Transport.EPOLL.available() ? Transport.EPOLL : Transport.NIO);
    System.out.println("transport auto -> " + Transports.name(chosen)
        + (Transport.IO_URING.available() ? "" : " (io_uring unavailable: " + Transport.IO_URING.unavailabilityCause() + ")"));
    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1)).withTransport(chosen).build();
    try {
      int port = vertx.createHttpServer().requestHandler(r -> r.response().end("ok")).listen(0, "127.0.0.1").await().actualPort();
      String body = vertx.createHttpClient().request(io.vertx.core.http.HttpMethod.GET, port, "127.0.0.1", "/")
          .compose(req -> req.send().compose(io.vertx.core.http.HttpClientResponse::body)).await().toString();
      assertThat(body).isEqualTo("ok");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void nioAlwaysLoadsAndNonsenseIsRefused() {
    assertThat(Transports.choose("NIO")).isSameAs(Transport.NIO);
    assertThatThrownBy(() -> Transports.choose("carrier-pigeon")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("auto, io_uring, epoll or nio");
  }
}
