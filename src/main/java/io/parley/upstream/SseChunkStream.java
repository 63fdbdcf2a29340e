package io.parley.upstream;

import io.parley.protocol.ApiError;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;

import java.util.concurrent.TimeoutException;

/**
 * Parses {@code text/event-stream} bytes line by line (data lines of one event joined, dispatched at the
 * blank line) into JSON chunks, ending at {@code data: [DONE]} or at the end of the body. Flow control is
 * the line parser's: pausing it pauses the HTTP response underneath.
 */
final class SseChunkStream implements ChunkStream {

  private static final int MAX_LINE_BYTES = 16 * 1024 * 1024;
  /** How long the rest of a body after {@code [DONE]} may take before its connection is given up. */
  private static final long DRAIN_MS = 5_000;

  private final Vertx vertx;
  private final HttpClientRequest request;
  private final RecordParser lines;
  private final long idleTimeoutMs;
  private final long watchdog;
  private long lastActivity = System.nanoTime();
  private boolean paused;
  private final StringBuilder data = new StringBuilder();
  private Handler<JsonObject> handler;
  private Handler<Throwable> exceptionHandler;
  private Handler<Void> endHandler;
  private boolean ended;
  /** Whether the HTTP response itself has ended (its connection then goes back to the pool). */
  private boolean bodyEnded;
  private long drainTimer = -1;
  private final UpstreamCall metered;

  SseChunkStream(Vertx vertx, HttpClientRequest request, HttpClientResponse response, long idleTimeoutMs,
      UpstreamCall metered) {
    this.vertx = vertx;
    this.metered = metered;
    this.request = request;
    this.idleTimeoutMs = idleTimeoutMs;
    this.lines = RecordParser.newDelimited("\n", response).maxRecordSize(MAX_LINE_BYTES);
    pause();
    // The request's own idle timeout stops at the response head; a provider that goes silent mid-stream
    // is caught here. Time spent paused by our own backpressure is not the provider's silence.
    this.watchdog = vertx.setPeriodic(Math.max(10, idleTimeoutMs / 4), id -> checkIdle());
    lines.handler(this::onLine);
    lines.endHandler(v -> {
      bodyEnded = true;
      if (drainTimer != -1) {
        vertx.cancelTimer(drainTimer);
      }
      end();
    });
    lines.exceptionHandler(this::fail);
  }

  private void checkIdle() {
    if (!paused && System.nanoTime() - lastActivity > idleTimeoutMs * 1_000_000L) {
      fail(new TimeoutException("upstream stream idle for " + idleTimeoutMs + " ms"));
    }
  }

  private void onLine(Buffer raw) {
    lastActivity = System.nanoTime();
    if (ended) {
      return;
    }
    String line = raw.toString();
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (line.isEmpty()) {
      dispatch();
    } else if (line.startsWith("data:")) {
      if (!data.isEmpty()) {
        data.append('\n');
      }
      data.append(line, line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5, line.length());
    }
    // "event:", "id:", "retry:" and ":" comment lines carry nothing a Chat Completions stream needs.
  }

  private void dispatch() {
    if (data.isEmpty()) {
      return;
    }
    String payload = data.toString();
    data.setLength(0);
    if (payload.equals("[DONE]")) {
      end();
      return;
    }
    JsonObject chunk;
    try {
      chunk = new JsonObject(payload);
    } catch (DecodeException | ClassCastException e) {
      fail(ApiError.upstream("The upstream provider sent a stream event that is not a JSON object."));
      return;
    }
    try {
      if (handler != null) {
        handler.handle(chunk);
      }
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  private void end() {
    if (ended) {
      return;
    }
    dispatch();
    if (ended) {
      return;
    }
    ended = true;
    vertx.cancelTimer(watchdog);
    metered.succeeded();
    drainRest();
    if (endHandler != null) {
      endHandler.handle(null);
    }
  }

  /**
   * After {@code [DONE]} the rest of the body (the chunked encoding's last chunk, usually in the same read) is
   * read and dropped, so the keep-alive connection goes back to the pool rather than being reset with the
   * turn: a reset costs the next stream a new connection (and a TLS handshake). A body that does not end
   * soon after loses its connection.
   */
  private void drainRest() {
    if (bodyEnded) {
      return;
    }
    paused = false;
    lines.resume();
    if (!bodyEnded) {
      drainTimer = vertx.setTimer(DRAIN_MS, id -> {
        if (!bodyEnded) {
          request.reset();
        }
      });
    }
  }

  private void fail(Throwable cause) {
    if (ended) {
      return;
    }
    ended = true;
    vertx.cancelTimer(watchdog);
    metered.failed(cause);
    request.reset();
    if (exceptionHandler != null) {
      exceptionHandler.handle(UpstreamErrors.map(cause));
    }
  }

  @Override
  public void cancel() {
    if (!ended) {
      ended = true;
      vertx.cancelTimer(watchdog);
      metered.cancelled();
      request.reset();
    }
  }

  @Override
  public ChunkStream handler(Handler<JsonObject> handler) {
    this.handler = handler;
    if (handler != null) {
      resume();
    }
    return this;
  }

  @Override
  public ChunkStream exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ChunkStream endHandler(Handler<Void> handler) {
    this.endHandler = handler;
    return this;
  }

  @Override
  public ChunkStream pause() {
    if (ended) {
      return this; // what is left of the body is being drained
    }
    paused = true;
    lines.pause();
    return this;
  }

  @Override
  public ChunkStream resume() {
    paused = false;
    lastActivity = System.nanoTime();
    lines.resume();
    return this;
  }

  @Override
  public ChunkStream fetch(long amount) {
    lines.fetch(amount);
    return this;
  }
}
