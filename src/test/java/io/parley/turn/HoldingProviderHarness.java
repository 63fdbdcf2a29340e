package io.parley.turn;

import io.parley.testing.Gateway;
import io.parley.testing.HoldingProvider;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.HashMap;
import java.util.Map;

/** A fresh gateway per test in front of a {@link HoldingProvider}, with a WebSocket client for the tests that need one. */
abstract class HoldingProviderHarness {

  Vertx providerVertx;
  HoldingProvider provider;
  Gateway gateway;
  Vertx clientVertx;
  WebSocketClient webSockets;

  /** {@code PARLEY_*} settings besides the provider's URL. */
  Map<String, String> settings() {
    return Map.of();
  }

  @BeforeEach
  void startGateway() {
    providerVertx = Vertx.vertx();
    provider = new HoldingProvider(providerVertx);
    Map<String, String> settings = new HashMap<>(settings());
    settings.put("PARLEY_UPSTREAM_URL", provider.baseUrl());
    gateway = Gateway.start(settings);
    clientVertx = Vertx.vertx();
    webSockets = clientVertx.createWebSocketClient();
  }

  @AfterEach
  void stopGateway() {
    clientVertx.close().await();
    gateway.close();
    provider.close();
    providerVertx.close().await();
  }
}
