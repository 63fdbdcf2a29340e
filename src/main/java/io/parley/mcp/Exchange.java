package io.parley.mcp;

import io.parley.upstream.Cancellation;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.json.DecodeException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * One call of the API ({@code listTools} or {@code callTool}) as it runs on its caller's context: the HTTP
 * requests it has open, its deadline and its cancel handle. A timeout or a cancel fails the call at once and
 * resets every request it has open; raw failures become {@link McpException}s here, in one place.
 */
final class Exchange {

  private final Vertx vertx;
  private final String host;
  private final long timer;
  private final Promise<Void> stopped = Promise.promise();
  private final List<HttpClientRequest> open = new ArrayList<>(2);
  private final List<Runnable> onStop = new ArrayList<>(1);
  private McpException stop;
  private boolean finished;

  Exchange(Vertx vertx, String host, Duration timeout, Cancellation cancel) {
    this.vertx = vertx;
    this.host = host;
    this.timer = vertx.setTimer(Math.max(1, timeout.toMillis()),
        id -> stop(new McpException("timeout", "MCP server " + host + " did not answer within " + timeout.toMillis()
            + " ms")));
    cancel.onCancel(() -> stop(new McpException("cancelled", "the MCP call to " + host + " was cancelled")));
  }

  String host() {
    return host;
  }

  /** Runs {@code work}; its outcome, or the timeout or cancel that came first. */
  <T> Future<T> run(Future<T> work) {
    Promise<T> result = Promise.promise();
    stopped.future().onFailure(result::tryFail);
    work.onComplete(done -> {
      finish();
      if (done.succeeded()) {
        result.tryComplete(done.result());
      } else {
        result.tryFail(stop != null ? stop : mapped(done.cause()));
      }
    });
    return result.future();
  }

  /** A request this call waits on: reset if the call times out or is cancelled (at once if it already was). */
  void track(HttpClientRequest request) {
    if (stop != null) {
      request.reset(0, stop);
    } else if (!finished) {
      open.add(request);
    }
  }

  /** A request that outlives this call (the legacy transport's event stream, once its session is open). */
  void untrack(HttpClientRequest request) {
    open.remove(request);
  }

  /** Runs when the call times out or is cancelled, e.g. to tell the server it may stop. */
  void onStop(Runnable action) {
    if (!finished) {
      onStop.add(action);
    }
  }

  /** A failure of this call, or {@code null} while it runs. */
  McpException stopped() {
    return stop;
  }

  private void stop(McpException reason) {
    if (finished) {
      return;
    }
    stop = reason;
    List<HttpClientRequest> requests = List.copyOf(open);
    List<Runnable> actions = List.copyOf(onStop);
    finish();
    stopped.fail(reason);
    actions.forEach(Runnable::run);
    requests.forEach(request -> request.reset(0, reason));
  }

  private void finish() {
    if (!finished) {
      finished = true;
      vertx.cancelTimer(timer);
      open.clear();
      onStop.clear();
    }
  }

  private Throwable mapped(Throwable raw) {
    if (raw instanceof McpException || raw instanceof RpcError) {
      return raw;
    }
    if (raw instanceof SessionGone gone) {
      return gone.failure();
    }
    if (raw instanceof TimeoutException) {
      return new McpException("timeout", "MCP server " + host + " did not answer in time");
    }
    if (raw instanceof DecodeException || raw instanceof IllegalArgumentException || raw instanceof ClassCastException) {
      return McpException.protocol(host, "the answer is not valid JSON-RPC");
    }
    if (raw instanceof IOException || raw instanceof VertxException) {
      return new McpException("unreachable", "MCP server " + host + " is unreachable (" + raw.getClass().getSimpleName()
          + ")");
    }
    return McpException.protocol(host, "the exchange failed (" + raw.getClass().getSimpleName() + ")");
  }
}
