package io.parley.http;

import io.parley.testing.Chunks;
import io.parley.testing.Sse;
import io.parley.testing.Gateway;
import io.parley.testing.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Backpressure from a slow client to the provider, and cancellation when the client goes away. */
class StreamFlowControlTest {

  private static final int CHUNK_TEXT = 4096;
  private static final int CHUNKS = 25_000; // ~100 MB of text: far more than all socket buffers together

  private Vertx providerVertx;
  private RecordingUpstream provider;
  private Gateway gateway;

  @BeforeEach
  void start() {
    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
    gateway = Gateway.start(java.util.Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl()));
  }

  @AfterEach
  void stop() {
    gateway.close();
    provider.close();
    providerVertx.close().await();
  }

  @Test
  void aSlowReaderPausesTheProviderInsteadOfGrowingTheHeap() throws Exception {
    AtomicLong written = new AtomicLong();
    AtomicBoolean finished = new AtomicBoolean();
    String text = "x".repeat(CHUNK_TEXT);
    provider.behave((body, response) -> {
      Chunks.sse(response);
      flood(response, text, new int[] {0}, written, finished);
    });

    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(64 * 1024);
      socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()));
      send(socket, new JsonObject().put("model", "m").put("input", "flood").put("stream", true).put("store", false));
      InputStream in = socket.getInputStream();
      byte[] head = new byte[8192];
      assertThat(in.read(head)).isPositive(); // the stream started; now stop reading

      long plateau = waitForPlateau(written);
      long total = (long) CHUNKS * CHUNK_TEXT;
      assertThat(finished).as("provider must not be able to send everything to a stalled client").isFalse();
      assertThat(plateau).as("bytes the provider could write while the client was stalled").isLessThan(total / 3);

      long received = drain(in);
      assertThat(finished).isTrue();
      assertThat(received).isGreaterThan(total);
    }
  }

  private static void flood(HttpServerResponse response, String text, int[] sent, AtomicLong written,
      AtomicBoolean finished) {
    while (sent[0] < CHUNKS && !response.writeQueueFull()) {
      String frame = "data: " + Chunks.delta(text).encode() + "\n\n";
      response.write(frame);
      written.addAndGet(frame.length());
      sent[0]++;
    }
    if (sent[0] < CHUNKS) {
      response.drainHandler(v -> flood(response, text, sent, written, finished));
      return;
    }
    Chunks.write(response, Chunks.finish("stop"));
    response.end("data: [DONE]\n\n");
    finished.set(true);
  }

  private static long waitForPlateau(AtomicLong written) throws InterruptedException {
    long last = -1;
    for (int i = 0; i < 100; i++) {
      Thread.sleep(300);
      long now = written.get();
      if (now == last && now > 0) {
        return now;
      }
      last = now;
    }
    return written.get();
  }

  private static long drain(InputStream in) throws Exception {
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    String tail = "";
    int n;
    while ((n = in.read(buffer)) > 0) {
      total += n;
      tail = (tail + new String(buffer, Math.max(0, n - 64), Math.min(n, 64), StandardCharsets.ISO_8859_1));
      tail = tail.substring(Math.max(0, tail.length() - 64));
      if (tail.contains("data: [DONE]")) {
        break;
      }
    }
    assertThat(tail).contains("data: [DONE]");
    return total;
  }

  @Test
  void finishedTurnsLeaveTheirProviderConnectionInThePool() {
    provider.replyText("pooled");
    JsonObject body = new JsonObject().put("model", "m").put("input", "hi").put("store", false);
    assertThat(Sse.post(gateway, body.copy().put("stream", true)).status()).isEqualTo(200);
    int opened = provider.connections();
    for (int i = 0; i < 5; i++) {
      Sse.Stream stream = Sse.post(gateway, body.copy().put("stream", true));
      assertThat(stream.last().type()).isEqualTo("response.completed");
      assertThat(gateway.post("/v1/responses", body).status()).isEqualTo(200);
    }
    // A stream that ended at [DONE] used to reset its request with the turn, closing the connection: each
    // stream then paid for a new one (and, to a remote provider, a TLS handshake).
    assertThat(provider.connections()).as("connections opened to the provider").isEqualTo(opened);
    assertThat(provider.closedEarly()).isZero();
  }

  @Test
  void aProviderThatNeverEndsItsBodyAfterDoneLosesTheConnectionNotTheTurn() throws Exception {
    provider.behave((body, response) -> {
      Chunks.sse(response);
      Chunks.write(response, Chunks.delta("done soon"));
      response.write("data: [DONE]\n\n"); // and the body never ends
    });
    Sse.Stream stream = Sse.post(gateway, new JsonObject().put("model", "m").put("input", "hi").put("stream", true));
    assertThat(stream.last().type()).isEqualTo("response.completed");
    long deadline = System.currentTimeMillis() + 10_000;
    while (provider.closedEarly() == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertThat(provider.closedEarly()).as("the connection is given up once the rest of the body is overdue").isEqualTo(1);
  }

  @Test
  void aClientThatDisconnectsCancelsTheProviderRequest() throws Exception {
    AtomicLong timer = new AtomicLong(-1);
    provider.behave((body, response) -> {
      Chunks.sse(response);
      timer.set(providerVertx.setPeriodic(20, id -> {
        if (response.closed()) {
          providerVertx.cancelTimer(id);
        } else {
          Chunks.write(response, Chunks.delta("tick "));
        }
      }));
    });

    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      send(socket, new JsonObject().put("model", "m").put("input", "forever").put("stream", true));
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      String seen = "";
      while (!seen.contains("response.output_text.delta")) {
        int n = in.read(buffer);
        assertThat(n).isPositive();
        seen += new String(buffer, 0, n, StandardCharsets.UTF_8);
      }
    }
    long deadline = System.currentTimeMillis() + 5000;
    while (provider.closedEarly() == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(provider.closedEarly()).as("provider connection closed after the client left").isEqualTo(1);
  }

  static void send(Socket socket, JsonObject body) throws Exception {
    byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
    OutputStream out = socket.getOutputStream();
    out.write(("POST /v1/responses HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
  }
}
