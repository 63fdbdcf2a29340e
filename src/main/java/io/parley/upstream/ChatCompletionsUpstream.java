package io.parley.upstream;

import io.parley.config.ParleyConfig;
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

/** An OpenAI-compatible {@code /v1/chat/completions} provider, over a pooled keep-alive HTTP client. */
public final class ChatCompletionsUpstream implements Upstream {

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final RequestOptions template;

  public ChatCompletionsUpstream(Vertx vertx, ParleyConfig config) {
    URI base = URI.create(config.upstreamUrl());
    this.vertx = vertx;
    boolean tls = "https".equals(base.getScheme());
    int port = base.getPort() != -1 ? base.getPort() : tls ? 443 : 80;
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setSsl(tls).setKeepAlive(true).setTcpNoDelay(true)
            .setConnectTimeout((int) config.upstreamConnectTimeout().toMillis()))
        .with(new PoolOptions().setHttp1MaxSize(config.upstreamMaxConnections()))
        .build();
    String path = (base.getRawPath() == null ? "" : base.getRawPath()) + "/chat/completions";
    this.template = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(base.getHost())
        .setPort(port)
        .setSsl(tls)
        .setURI(path)
        .setIdleTimeout(config.upstreamIdleTimeout().toMillis())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    if (config.upstreamApiKey() != null) {
      template.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + config.upstreamApiKey());
    }
  }

  @Override
  public Future<JsonObject> complete(JsonObject chatRequest) {
    return send(chatRequest, "application/json")
        .compose(call -> call.response().body())
        .map(ChatCompletionsUpstream::completion)
        .recover(err -> Future.failedFuture(UpstreamErrors.map(err)));
  }

  @Override
  public Future<ChunkStream> stream(JsonObject chatRequest) {
    return send(chatRequest, "text/event-stream")
        .<ChunkStream>map(call -> new SseChunkStream(vertx, call.request(), call.response(),
            template.getIdleTimeout()))
        .recover(err -> Future.failedFuture(UpstreamErrors.map(err)));
  }

  private record Call(HttpClientRequest request, HttpClientResponse response) {
  }

  /** Sends the request; a non-2xx answer is read and failed as the mapped error. */
  private Future<Call> send(JsonObject chatRequest, String accept) {
    RequestOptions options = new RequestOptions(template).putHeader(HttpHeaders.ACCEPT, accept);
    return client.request(options)
        .compose(request -> request.send(chatRequest.toBuffer()).map(response -> new Call(request, response)))
        .compose(call -> call.response().statusCode() / 100 == 2
            ? Future.succeededFuture(call)
            : call.response().body().compose(body ->
                Future.failedFuture(UpstreamErrors.fromStatus(call.response().statusCode(), body))));
  }

  private static JsonObject completion(Buffer body) {
    try {
      return body.toJsonObject();
    } catch (RuntimeException e) {
      throw ApiError.upstream("The upstream provider returned a body that is not a JSON object.");
    }
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
