package io.parley.http;

import io.parley.testing.ClientConnection;
import io.parley.testing.Gateway;
import io.parley.testing.HoldingProvider;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19: many clients that drop their streams mid-answer with answer bytes unread (a killed client: the
 * kernel resets the connection) give back every stream and stop every provider call, on each transport this
 * machine loads. On io_uring the reset reaches the stream's next write before the connection's close does (the
 * write fails with a ClosedChannelException while the response still counts as open). A failed pipe used to
 * end the response, and Vert.x calls the close handler of a response in progress only, so nothing ended the
 * turn: with neither the cancel on a failed write nor the response left unended, all 100 streams stay open here on
 * io_uring (none on epoll, where the close comes first).
 */
class DroppedStreamsTest {

  private static final int STREAMS = 100;
  /** The provider would stream for 30 s: a stream still counted once this has passed was never given back. */
  private static final Duration GIVEN_BACK = Duration.ofSeconds(5);

  /** io_uring and epoll where they load (io_uring needs a kernel and seccomp profile that allow it), else NIO. */
  static Stream<String> transports() {
    List<String> loaded = new ArrayList<>();
    if (Transport.IO_URING.available()) {
      loaded.add("io_uring");
    } else {
      System.out.println("io_uring does not load here (" + Transport.IO_URING.unavailabilityCause() + "): not tested");
    }
    if (Transport.EPOLL.available()) {
      loaded.add("epoll");
    }
    return loaded.isEmpty() ? Stream.of("nio") : loaded.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transports")
  void streamsDroppedMidAnswerAreAllGivenBack(String transport) throws Exception {
    Vertx providerVertx = Vertx.vertx();
    HoldingProvider provider = new HoldingProvider(providerVertx);
    provider.plan(HoldingProvider.paced(3000, Duration.ofMillis(10)));
    try (Gateway gateway = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(),
        "PARLEY_TRANSPORT", transport))) {
      JsonObject stream = new JsonObject().put("model", "m").put("input", "talk until I leave").put("stream", true);
      List<ClientConnection> clients = new ArrayList<>();
      for (int i = 0; i < STREAMS; i++) {
        clients.add(ClientConnection.post(gateway.port(), "/v1/responses", stream));
      }
      for (ClientConnection client : clients) {
        client.readUntil("response.output_text.delta", Duration.ofSeconds(10));
      }
      assertThat(activeStreams(gateway)).as("streams open before the clients leave").isEqualTo(STREAMS);

      clients.forEach(ClientConnection::reset);

      long deadline = System.nanoTime() + GIVEN_BACK.toNanos();
      while (activeStreams(gateway) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(activeStreams(gateway)).as("parley_active_streams %s after %d clients reset their streams on %s",
          GIVEN_BACK, STREAMS, transport).isZero();
      long abortsBy = System.nanoTime() + GIVEN_BACK.toNanos();
      for (HoldingProvider.Call call : provider.calls()) {
        long left = Math.max(1, abortsBy - System.nanoTime());
        assertThat(call.aborted()).as("every provider call is reset once its client left")
            .succeedsWithin(Duration.ofNanos(left));
      }
    } finally {
      provider.close();
      providerVertx.close().await();
    }
  }

  /**
   * Clients that stop reading (their stream backs up until Parley pauses the provider) and are then killed give
   * back their streams too: the paused stream's queued write fails or its close arrives, either way the turn ends.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("transports")
  void streamsThatStoppedReadingAndThenDroppedAreGivenBack(String transport) throws Exception {
    Vertx providerVertx = Vertx.vertx();
    HoldingProvider provider = new HoldingProvider(providerVertx);
    provider.plan(call -> {
      call.head(0);
      flood(call, 0);
    });
    try (Gateway gateway = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(),
        "PARLEY_TRANSPORT", transport))) {
      JsonObject stream = new JsonObject().put("model", "m").put("input", "talk faster than I read").put("stream", true);
      List<ClientConnection> clients = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        clients.add(ClientConnection.post(gateway.port(), "/v1/responses", stream));
      }
      for (ClientConnection client : clients) {
        client.readUntil("response.output_text.delta", Duration.ofSeconds(10));
      }
      Thread.sleep(3000); // nobody reads: the sockets fill and the streams pause
      assertThat(activeStreams(gateway)).as("streams open while their clients do not read").isEqualTo(10);
      assertThat(provider.calls()).as("Parley stopped reading the provider (backpressure reached it)")
          .anyMatch(call -> call.response().writeQueueFull());

      clients.forEach(ClientConnection::reset);

      long deadline = System.nanoTime() + GIVEN_BACK.toNanos();
      while (activeStreams(gateway) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(activeStreams(gateway)).as("parley_active_streams after paused clients reset on %s", transport).isZero();
      for (HoldingProvider.Call call : provider.calls()) {
        assertThat(call.aborted()).as("every provider call is reset once its client left")
            .succeedsWithin(GIVEN_BACK);
      }
    } finally {
      provider.close();
      providerVertx.close().await();
    }
  }

  /** 8 KB deltas every millisecond, for as long as the stream takes them (its own write queue stops it). */
  private static void flood(HoldingProvider.Call call, int n) {
    call.after(Duration.ofMillis(1), () -> {
      if (call.response().closed() || n > 100_000) {
        return;
      }
      if (!call.response().writeQueueFull()) {
        io.parley.testing.Chunks.write(call.response(), io.parley.testing.Chunks.delta("x".repeat(8192)));
      }
      flood(call, n + 1);
    });
  }

  private static final Pattern ACTIVE = Pattern.compile("(?m)^parley_active_streams(?:\\{[^}]*})? ([0-9.eE+-]+)$");

  private static int activeStreams(Gateway gateway) {
    Matcher value = ACTIVE.matcher(gateway.get("/metrics").body());
    assertThat(value.find()).as("parley_active_streams in /metrics").isTrue();
    return (int) Double.parseDouble(value.group(1));
  }
}
