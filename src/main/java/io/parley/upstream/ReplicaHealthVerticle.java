package io.parley.upstream;

import io.parley.config.ParleyConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.List;

/**
 * Checks every replica with a lightweight {@code GET <base>/models} each health interval: a replica that
 * cannot be reached or answers 5xx is down until a later check succeeds (any other answer, a 401
 * included, means the server is there). Only deployed when there are several replicas to choose from.
 */
public final class ReplicaHealthVerticle extends VerticleBase {

  private final List<Replica> replicas;
  private final ParleyConfig config;
  private HttpClientAgent client;
  private long timer;

  public ReplicaHealthVerticle(List<Replica> replicas, ParleyConfig config) {
    this.replicas = replicas;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    long interval = config.upstreamRouting().healthInterval().toMillis();
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
        .setConnectTimeout((int) Math.min(interval, config.upstreamConnectTimeout().toMillis())));
    timer = vertx.setPeriodic(interval, id -> replicas.forEach(this::check));
    return Future.succeededFuture();
  }

  private void check(Replica replica) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(replica.url() + "/models")
        .setTimeout(config.upstreamRouting().healthInterval().toMillis());
    if (config.upstreamApiKey() != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + config.upstreamApiKey());
    }
    client.request(options)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.statusCode() < 500))
        .otherwise(false)
        .onSuccess(replica::healthy);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return client.close();
  }
}
