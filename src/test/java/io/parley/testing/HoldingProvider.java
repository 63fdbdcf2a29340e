package io.parley.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A fake Chat Completions provider that can keep a request waiting where a test wants it: before its
 * response head, or after some chunks. Each request is a {@link Call} that records when its connection
 * was closed before the answer was finished (the gateway aborting it), and when the provider would have
 * finished answering, so a test can check that nothing was made of a turn that should have been dropped.
 * Run it on its own {@link Vertx}, so its clock is not held up by the gateway's event loops.
 */
public final class HoldingProvider implements AutoCloseable {

  /** What the provider does with one request. */
  @FunctionalInterface
  public interface Plan {
    void run(Call call);
  }

  /** One request the provider received, and what became of its connection. */
  public static final class Call {
    private final Vertx vertx;
    private final JsonObject body;
    private final HttpServerResponse response;
    private final long arrivedNanos = System.nanoTime();
    private final CompletableFuture<Long> aborted = new CompletableFuture<>();
    private final CompletableFuture<Boolean> settled = new CompletableFuture<>();
    private volatile boolean brokenByProvider;

    private Call(Vertx vertx, JsonObject body, HttpServerResponse response) {
      this.vertx = vertx;
      this.body = body;
      this.response = response;
    }

    public JsonObject body() {
      return body;
    }

    public boolean stream() {
      return body.getBoolean("stream", false);
    }

    public long arrivedNanos() {
      return arrivedNanos;
    }

    /** Completes with {@link System#nanoTime()} when the connection closed before the answer was finished. */
    public CompletableFuture<Long> aborted() {
      return aborted;
    }

    /**
     * Completes when the plan has run to its end: {@code true} if the whole answer was sent, {@code false} if
     * the connection was gone by the time the provider would have sent the rest (or the plan never ends).
     */
    public CompletableFuture<Boolean> settled() {
      return settled;
    }

    /**
     * The milliseconds from {@code fromNanos} until this request was aborted, or -1 if it was still open
     * {@code within} after {@code fromNanos}.
     */
    public long abortedWithin(long fromNanos, Duration within) throws Exception {
      long left = fromNanos + within.toNanos() - System.nanoTime();
      try {
        long at = aborted.get(Math.max(0, left), TimeUnit.NANOSECONDS);
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(at - fromNanos));
      } catch (TimeoutException e) {
        return -1;
      }
    }

    /** Waits (up to {@code max}) until the provider would have finished answering. */
    public boolean awaitSettled(Duration max) throws Exception {
      return settled.get(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void gone() {
      if (!response.ended() && !brokenByProvider) {
        aborted.complete(System.nanoTime());
      }
    }

    /** Resets the connection from the provider's side (not an abort by the gateway). */
    public void breakConnection() {
      brokenByProvider = true;
      response.reset();
      settled.complete(true);
    }

    public HttpServerResponse response() {
      return response;
    }

    public boolean open() {
      return !response.closed() && !response.ended();
    }

    /** Runs {@code next} after {@code delay} if the connection is still open; otherwise the plan is settled. */
    public void after(Duration delay, Runnable next) {
      vertx.setTimer(Math.max(1, delay.toMillis()), t -> {
        if (open()) {
          next.run();
        } else {
          settled.complete(false);
        }
      });
    }

    /** Sends the SSE head and {@code deltas} content chunks ("tick 1 ", "tick 2 ", ...). */
    public void head(int deltas) {
      Chunks.sse(response);
      for (int i = 1; i <= deltas; i++) {
        Chunks.write(response, Chunks.delta("tick " + i + " "));
      }
    }

    /** Ends a stream that {@link #head} started: {@code text} as one more delta, finish, usage, [DONE]. */
    public void finishStream(String text) {
      Chunks.write(response, Chunks.delta(text));
      Chunks.write(response, Chunks.finish("stop"));
      Chunks.write(response, new JsonObject().put("choices", new JsonArray()).put("usage", Chunks.usage(5, 3, 0)));
      response.end("data: [DONE]\n\n").onComplete(ar -> settled.complete(true));
    }

    /** The whole answer {@code text}, as JSON or as a stream depending on the request. */
    public void answer(String text) {
      if (stream()) {
        head(0);
        finishStream(text);
      } else {
        response.putHeader("content-type", "application/json")
            .end(Chunks.completion(text, "stop", Chunks.usage(5, 3, 0)).encode())
            .onComplete(ar -> settled.complete(true));
      }
    }
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private volatile Plan plan = answer("answer");

  public HoldingProvider(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle);
    server.listen(0, "127.0.0.1").await();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  /** What the provider does with every request from now on. */
  public void plan(Plan plan) {
    this.plan = plan;
  }

  public List<Call> calls() {
    return calls;
  }

  /** The {@code n}-th request (from 0), waiting up to 5 s for it to arrive. */
  public Call awaitCall(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (calls.size() <= n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the provider received " + calls.size() + " requests, expected request #" + n);
      }
      Thread.sleep(5);
    }
    return calls.get(n);
  }

  private void handle(HttpServerRequest request) {
    if (request.method() == HttpMethod.GET && request.path().endsWith("/models")) {
      request.response().putHeader("content-type", "application/json").end("{\"object\":\"list\",\"data\":[]}");
      return;
    }
    HttpServerResponse response = request.response();
    request.body().onSuccess(raw -> {
      Call call = new Call(vertx, raw.toJsonObject(), response);
      // Both the connection closing and a reset count: either way the gateway gave up on the answer.
      response.closeHandler(v -> call.gone());
      response.exceptionHandler(err -> call.gone());
      calls.add(call);
      plan.run(call);
    });
  }

  // The plans tests use.

  /** Answers at once. */
  public static Plan answer(String text) {
    return call -> call.answer(text);
  }

  /** Sends nothing, not even the response head, for {@code hold}; then (if still connected) follows {@code then}. */
  public static Plan holdHead(Duration hold, Plan then) {
    return call -> call.after(hold, () -> then.run(call));
  }

  /** Sends the head and {@code deltas} chunks, then nothing more, ever. */
  public static Plan chunksThenHold(int deltas) {
    return call -> call.head(deltas);
  }

  /** Sends the head and {@code deltas} chunks, pauses for {@code pause}, then (if still connected) finishes with {@code rest}. */
  public static Plan chunksThenFinish(int deltas, Duration pause, String rest) {
    return call -> {
      call.head(deltas);
      call.after(pause, () -> call.finishStream(rest));
    };
  }

  /**
   * An LLM's pace: the head, then one delta every {@code gap} while the connection is open, and the end of the
   * stream after {@code deltas} of them. A gateway whose client left must stop reading it (or it never ends).
   */
  public static Plan paced(int deltas, Duration gap) {
    return call -> {
      call.head(0);
      tick(call, 1, deltas, gap);
    };
  }

  private static void tick(Call call, int n, int deltas, Duration gap) {
    call.after(gap, () -> {
      if (n > deltas) {
        call.finishStream("done");
        return;
      }
      Chunks.write(call.response(), Chunks.delta("tick " + n + " "));
      tick(call, n + 1, deltas, gap);
    });
  }

  /** Answers with an error status and an OpenAI-style error body. */
  public static Plan status(int status) {
    return call -> call.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end("{\"error\":{\"message\":\"provider failed\",\"type\":\"server_error\"}}")
        .onComplete(ar -> call.settled().complete(true));
  }

  /** Sends the head and {@code deltas} chunks, then resets the connection mid-stream. */
  public static Plan breakAfter(int deltas) {
    return call -> {
      call.head(deltas);
      call.after(Duration.ofMillis(50), call::breakConnection);
    };
  }

  @Override
  public void close() {
    server.close().await();
  }
}
