package io.parley.hosted;

import io.parley.upstream.Cancellation;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Web search on a SearXNG instance's JSON API: {@code GET <base>/search?q=...&format=json}, whose answer lists
 * {@code results} of {@code url}, {@code title} and {@code content}. The instance is the operator's, so it may be
 * on a private network; a search still has a deadline, a size limit on the answer and the turn's cancel handle.
 */
final class SearxngSearch implements WebSearchBackend {

  private static final long MAX_BYTES = 4L * 1024 * 1024;

  private final Vertx vertx;
  private final HttpClientAgent http;
  private final String base;
  private final String host;
  private final Duration timeout;

  SearxngSearch(Vertx vertx, String baseUrl, Duration timeout) {
    this.vertx = vertx;
    this.base = baseUrl;
    this.host = URI.create(baseUrl).getHost();
    this.timeout = timeout;
    this.http = vertx.httpClientBuilder()
        .with(new HttpClientOptions()
            .setConnectTimeout((int) Math.min(timeout.toMillis(), 10_000))
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setMaxRedirects(0)
            .setVerifyHost(true))
        .with(new PoolOptions().setHttp1MaxSize(16))
        .build();
  }

  @Override
  public Future<List<SearchResult>> search(String query, Cancellation cancel) {
    Promise<List<SearchResult>> result = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> result.tryFail(
        new HostedToolException("the search backend (" + host + ") did not answer within " + timeout.toMillis() + " ms")));
    cancel.onCancel(() -> result.tryFail(new HostedToolException("the search was cancelled")));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
        .setAbsoluteURI(base + "/search?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&format=json")
        .putHeader(HttpHeaders.ACCEPT, "application/json");
    http.request(options)
        .compose(request -> {
          // A timeout or a cancel resets the request, whatever stage it is at.
          result.future().onFailure(stopped -> request.reset());
          return request.send();
        })
        .compose(this::body)
        .map(this::results)
        .onComplete(done -> {
          vertx.cancelTimer(timer);
          if (done.succeeded()) {
            result.tryComplete(done.result());
          } else {
            result.tryFail(done.cause() instanceof HostedToolException e ? e
                : new HostedToolException("the search backend (" + host + ") failed: "
                    + done.cause().getClass().getSimpleName()));
          }
        });
    return result.future();
  }

  private Future<Buffer> body(HttpClientResponse response) {
    if (response.statusCode() != 200) {
      response.exceptionHandler(ignored -> { });
      response.request().reset();
      String hint = response.statusCode() == 403 ? " (is the json format enabled in its settings.yml, search.formats?)" : "";
      return Future.failedFuture(new HostedToolException("the search backend (" + host + ") answered "
          + response.statusCode() + hint));
    }
    Promise<Buffer> done = Promise.promise();
    Buffer body = Buffer.buffer();
    response.handler(chunk -> {
      if (body.length() + (long) chunk.length() > MAX_BYTES) {
        if (done.tryFail(new HostedToolException("the search backend (" + host + ") answered more than " + MAX_BYTES
            + " bytes"))) {
          response.request().reset();
        }
      } else {
        body.appendBuffer(chunk);
      }
    });
    response.exceptionHandler(done::tryFail);
    response.endHandler(ignored -> done.tryComplete(body));
    return done.future();
  }

  /** SearXNG's {@code results}, in its order; entries without a URL are skipped. */
  private List<SearchResult> results(Buffer body) {
    JsonArray results;
    try {
      results = body.toJsonObject().getJsonArray("results", new JsonArray());
    } catch (RuntimeException e) {
      throw new HostedToolException("the search backend (" + host + ") did not answer SearXNG's JSON");
    }
    List<SearchResult> found = new ArrayList<>();
    for (Object o : results) {
      if (o instanceof JsonObject r && r.getValue("url") instanceof String url && !url.isBlank()) {
        found.add(new SearchResult(url, r.getValue("title") instanceof String t ? t : "",
            r.getValue("content") instanceof String c ? c : ""));
      }
    }
    return found;
  }

  Future<Void> close() {
    return http.close();
  }
}
