package io.parley.upstream;

import io.parley.config.ParleyConfig;
import io.parley.metrics.Metrics;
import io.parley.protocol.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;

/**
 * The HTTP side of talking to one provider replica, whatever its protocol: a pooled keep-alive client,
 * the API key, timeouts, and the replica's in-flight count. Failures are left unmapped (a non-2xx answer
 * is a {@link ProviderStatusException}) so that {@link ReplicaRouter} can tell which ones to retry elsewhere.
 */
final class ProviderClient {

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final RequestOptions template;
  private final String basePath;
  private final Metrics metrics;
  private final Replica replica;

  ProviderClient(Vertx vertx, ParleyConfig config, Replica replica, Metrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.replica = replica;
    URI base = URI.create(replica.url());
    boolean tls = "https".equals(base.getScheme());
    int port = base.getPort() != -1 ? base.getPort() : tls ? 443 : 80;
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setSsl(tls).setKeepAlive(true).setTcpNoDelay(true)
            .setConnectTimeout((int) config.upstreamConnectTimeout().toMillis()))
        .with(new PoolOptions().setHttp1MaxSize(config.upstreamMaxConnections()))
        .build();
    this.basePath = base.getRawPath() == null ? "" : base.getRawPath();
    this.template = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(base.getHost())
        .setPort(port)
        .setSsl(tls)
        .setIdleTimeout(config.upstreamIdleTimeout().toMillis())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    if (config.upstreamApiKey() != null) {
      template.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + config.upstreamApiKey());
    }
  }

  /** POSTs JSON and returns the JSON object answered; {@code cancel} resets the request at any stage. */
  Future<JsonObject> post(String path, Buffer body, String key, Forwarded forwarded, Cancellation cancel) {
    UpstreamCall metered = new UpstreamCall(metrics, replica);
    return send(path, body, "application/json", key, forwarded, cancel)
        .compose(call -> {
          // A cancel while the body is read resets the request; once the body is in, the connection is kept.
          cancel.onCancel(() -> {
            if (!call.response().end().isComplete()) {
              call.request().reset(0, new CancelledCallException());
            }
          });
          return call.response().body();
        })
        .map(ProviderClient::jsonObject)
        .onSuccess(json -> metered.succeeded())
        .onFailure(err -> ended(metered, err, cancel));
  }

  /**
   * POSTs JSON and returns the answered event stream, paused until a handler is set; {@code cancel} resets
   * the request while it connects, waits for its head, or streams.
   */
  Future<ChunkStream> postStream(String path, Buffer body, String key, Forwarded forwarded, Cancellation cancel) {
    UpstreamCall metered = new UpstreamCall(metrics, replica);
    return send(path, body, "text/event-stream", key, forwarded, cancel)
        .<ChunkStream>map(call -> {
          SseChunkStream stream = new SseChunkStream(vertx, call.request(), call.response(), template.getIdleTimeout(),
              metered);
          cancel.onCancel(stream::cancel);
          return stream;
        })
        .onFailure(err -> ended(metered, err, cancel));
  }

  /** A call that failed because its turn was cancelled is counted as cancelled, not as a provider error. */
  private static void ended(UpstreamCall metered, Throwable err, Cancellation cancel) {
    if (cancel.cancelled()) {
      metered.cancelled();
    } else {
      metered.failed(err);
    }
  }

  private record Call(HttpClientRequest request, HttpClientResponse response) {
  }

  /** @param key the client's own provider key (pass-through mode), or {@code null} for the configured one */
  private Future<Call> send(String path, Buffer body, String accept, String key, Forwarded forwarded,
      Cancellation cancel) {
    if (cancel.cancelled()) {
      return Future.failedFuture(new CancelledCallException());
    }
    RequestOptions options = new RequestOptions(template).setURI(basePath + path).putHeader(HttpHeaders.ACCEPT, accept);
    forwarded.applyTo(options);
    if (key != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + key);
    }
    return client.request(options)
        .compose(request -> {
          // Registered before the request is sent: a cancel while connecting or waiting for the head resets it.
          // From the head on, the caller's own hook decides (a stream, or the body being read), so a turn that
          // ends after its answer arrived whole leaves the connection in the pool.
          boolean[] headed = {false};
          cancel.onCancel(() -> {
            if (!headed[0]) {
              request.reset(0, new CancelledCallException());
            }
          });
          return request.send(body).map(response -> {
            headed[0] = true;
            return new Call(request, response);
          });
        })
        .compose(call -> call.response().statusCode() / 100 == 2
            ? Future.succeededFuture(call)
            : call.response().body().compose(error ->
                Future.failedFuture(new ProviderStatusException(call.response().statusCode(), error,
                    ProviderStatusException.retryAfter(call.response().headers())))));
  }

  private static JsonObject jsonObject(Buffer body) {
    try {
      return body.toJsonObject();
    } catch (RuntimeException e) {
      throw ApiError.upstream("The upstream provider returned a body that is not a JSON object.");
    }
  }

  Future<Void> close() {
    return client.close();
  }
}
