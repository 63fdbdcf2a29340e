package io.parley.admin;

import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RecordingUpstream;
import io.parley.testing.ToolChain;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's API, {@code /admin/v1}, against the real gateway, per store backend: who may call it, what
 * it lists and how it scopes tenants, the chain tree, conversations, cancel and the live figures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AdminApiContract {

  static final String ADMIN = "adm-test-0123456789abcdef";

  Vertx providerVertx;
  RecordingUpstream provider;
  Gateway gateway;

  abstract Map<String, String> backend();

  @BeforeAll
  void startAll() {
    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
    gateway = start(Map.of());
  }

  Gateway start(Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>(backend());
    settings.put("PARLEY_UPSTREAM_URL", provider.baseUrl());
    settings.put("PARLEY_API_KEYS", "acme=sk-acme-1,globex=sk-globex-1");
    settings.put("PARLEY_ADMIN_KEY", ADMIN);
    settings.putAll(extra);
    return Gateway.start(settings);
  }

  @AfterAll
  void stopAll() {
    gateway.close();
    provider.close();
    providerVertx.close().await();
  }

  @Test
  void withoutAnAdminKeyConfiguredTheConsoleAndItsApiDoNotExist() {
    try (Gateway plain = start(Map.of("PARLEY_ADMIN_KEY", ""))) {
      assertError(plain.as(ADMIN).get("/admin/v1/responses"), 404, "unknown_url");
      assertError(plain.as("sk-acme-1").get("/admin/v1/stats"), 404, "unknown_url");
      assertError(plain.get("/console"), 404, "unknown_url");
      assertError(plain.get("/console/js/app.js"), 404, "unknown_url");
    }
  }

  @Test
  void theApiNeedsTheAdminKeyOrATenantKey() {
    assertError(gateway.get("/admin/v1/responses"), 401, "missing_api_key");
    Reply wrong = gateway.as("not-the-admin-key-at-all").get("/admin/v1/responses");
    assertError(wrong, 401, "invalid_api_key");
    assertThat(wrong.body()).doesNotContain("not-the-admin-key-at-all");
    assertError(gateway.get("/admin/v1/stats"), 401, "missing_api_key");
    assertError(gateway.post("/admin/v1/responses/resp_x/cancel", ""), 401, "missing_api_key");
    // The page itself holds no data: it is served, and asks for the key.
    Reply page = gateway.get("/console");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.header("content-security-policy")).contains("default-src 'none'");
    assertThat(page.header("referrer-policy")).isEqualTo("no-referrer");
    assertThat(gateway.get("/console/js/app.js").status()).isEqualTo(200);
  }

  @Test
  void aChainIsListedNewestFirstAndOpensAsATreeWithItsItems() {
    Gateway acme = gateway.as("sk-acme-1");
    List<String> ids = ToolChain.create(acme, provider, "model-tree");
    provider.replyText("A fork.");
    String fork = acme.post("/v1/responses", new JsonObject().put("model", "model-tree")
        .put("previous_response_id", ids.get(1)).put("input", "Or the day after?")).json().getString("id");

    JsonArray listed = eventually(() -> list(ADMIN, "?model=model-tree"), data -> data.size() == 4);
    assertThat(ids(listed)).containsExactly(fork, ids.get(2), ids.get(1), ids.get(0));
    JsonObject newest = listed.getJsonObject(1);
    assertThat(newest.getString("tenant")).isEqualTo("acme");
    assertThat(newest.getString("status")).isEqualTo("completed");
    assertThat(newest.getString("parent")).isEqualTo(ids.get(1));
    assertThat(newest.getLong("cached_tokens")).isEqualTo(3);
    assertThat(newest.getString("cache")).isEqualTo("affinity-hit");
    assertThat(newest.getLong("latency_ms")).isNotNegative();
    assertThat(newest.getString("preview")).isEqualTo("And tomorrow?");
    assertThat(list(ADMIN, "?model=model-tree&status=failed")).isEmpty();

    JsonObject tree = get(ADMIN, "/admin/v1/responses/" + ids.get(2) + "/chain");
    assertThat(tree.getString("tenant")).isEqualTo("acme");
    assertThat(tree.getString("root")).isEqualTo(ids.get(0));
    Map<String, JsonObject> nodes = new HashMap<>();
    tree.getJsonArray("nodes").forEach(n -> nodes.put(((JsonObject) n).getString("id"), (JsonObject) n));
    assertThat(nodes).containsOnlyKeys(ids.get(0), ids.get(1), ids.get(2), fork);
    assertThat(nodes.get(ids.get(1)).getJsonArray("children").getList()).containsExactlyInAnyOrder(ids.get(2), fork);
    JsonObject call = nodes.get(ids.get(0)).getJsonObject("response").getJsonArray("output").getJsonObject(0);
    assertThat(call.getString("type")).isEqualTo("function_call");
    assertThat(call.getString("arguments")).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(nodes.get(ids.get(1)).getJsonArray("input").getJsonObject(0).getString("type")).isEqualTo("function_call_output");
    JsonObject usage = nodes.get(ids.get(2)).getJsonObject("response").getJsonObject("usage");
    assertThat(usage.getJsonObject("input_tokens_details").getLong("cached_tokens")).isEqualTo(3);
    assertThat(nodes.get(ids.get(2)).getJsonObject("line").getString("cache")).isEqualTo("affinity-hit");
  }

  @Test
  void aTenantKeySeesOnlyItsTenantAndTheAdminKeySeesEvery() {
    provider.replyText("hi");
    String acmeId = gateway.as("sk-acme-1").post("/v1/responses", new JsonObject().put("model", "model-scope")
        .put("input", "from acme")).json().getString("id");
    String globexId = gateway.as("sk-globex-1").post("/v1/responses", new JsonObject().put("model", "model-scope")
        .put("input", "from globex")).json().getString("id");

    assertThat(ids(eventually(() -> list(ADMIN, "?model=model-scope"), d -> d.size() == 2)))
        .containsExactly(globexId, acmeId);
    assertThat(ids(list(ADMIN, "?model=model-scope&tenant=globex"))).containsExactly(globexId);
    assertThat(ids(list("sk-acme-1", "?model=model-scope"))).containsExactly(acmeId);
    assertThat(ids(list("sk-acme-1", "?model=model-scope&tenant=globex"))).containsExactly(acmeId);
    assertThat(get("sk-acme-1", "/admin/v1/responses?limit=1").getString("scope")).isEqualTo("tenant");
    assertError(gateway.as(ADMIN).get("/admin/v1/responses?tenant=%7Bx%7D"), 400, "invalid_value");

    assertError(gateway.as("sk-acme-1").get("/admin/v1/responses/" + globexId + "/chain"), 404, "not_found");
    assertThat(get("sk-globex-1", "/admin/v1/responses/" + globexId + "/chain").getString("tenant")).isEqualTo("globex");
    assertThat(get(ADMIN, "/admin/v1/responses/" + globexId + "/chain").getString("tenant")).isEqualTo("globex");
  }

  @Test
  void aDeletedResponseLeavesTheList() {
    provider.replyText("bye");
    Gateway acme = gateway.as("sk-acme-1");
    String id = acme.post("/v1/responses", new JsonObject().put("model", "model-delete").put("input", "x")).json().getString("id");
    eventually(() -> list(ADMIN, "?model=model-delete"), d -> d.size() == 1);

    assertThat(acme.delete("/v1/responses/" + id).status()).isEqualTo(200);

    assertThat(list(ADMIN, "?model=model-delete")).isEmpty();
    assertError(gateway.as(ADMIN).get("/admin/v1/responses/" + id + "/chain"), 404, "not_found");
  }

  @Test
  void conversationsAndTheirItems() {
    Gateway acme = gateway.as("sk-acme-1");
    String conversation = acme.post("/v1/conversations", new JsonObject()).json().getString("id");
    provider.replyText("noted");
    acme.post("/v1/responses", new JsonObject().put("model", "model-conv").put("conversation", conversation)
        .put("input", "remember the milk"));

    JsonArray listed = eventually(() -> get(ADMIN, "/admin/v1/conversations").getJsonArray("data"),
        d -> d.stream().anyMatch(c -> conversation.equals(((JsonObject) c).getString("id"))));
    assertThat(listed.stream().map(c -> ((JsonObject) c).getString("tenant")).distinct()).containsOnly("acme");
    JsonObject opened = get(ADMIN, "/admin/v1/conversations/" + conversation);
    assertThat(opened.getString("tenant")).isEqualTo("acme");
    assertThat(opened.getJsonArray("items")).hasSize(2);
    assertThat(opened.getJsonArray("items").getJsonObject(1).getString("role")).isEqualTo("assistant");
    assertError(gateway.as("sk-globex-1").get("/admin/v1/conversations/" + conversation), 404, "not_found");
  }

  @Test
  void aBackgroundRunIsListedRunningAndCancelledFromTheConsoleApi() {
    provider.behave((body, response) -> { }); // holds every call: the run stays in progress
    try {
      JsonObject queued = gateway.as("sk-acme-1").post("/v1/responses", new JsonObject().put("model", "model-bg")
          .put("background", true).put("input", "take your time")).json();
      String id = queued.getString("id");
      JsonArray running = eventually(() -> list(ADMIN, "?model=model-bg&background=true"), d -> d.size() == 1);
      assertThat(running.getJsonObject(0).getString("status")).isIn("queued", "in_progress");

      Reply cancelled = gateway.as(ADMIN).post("/admin/v1/responses/" + id + "/cancel?tenant=acme", "");

      assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
      assertThat(cancelled.json().getString("status")).isEqualTo("cancelled");
      assertThat(eventually(() -> list(ADMIN, "?model=model-bg"), d -> "cancelled".equals(d.getJsonObject(0).getString("status"))))
          .hasSize(1);
      assertError(gateway.as("sk-globex-1").post("/admin/v1/responses/" + id + "/cancel", ""), 404, "not_found");
    } finally {
      provider.reset();
    }
  }

  @Test
  void theLiveFiguresCountTheApiRequests() {
    provider.replyText("tick");
    JsonArray points = eventually(() -> {
      gateway.as("sk-acme-1").post("/v1/responses", new JsonObject().put("model", "model-stats").put("input", "x"));
      return get(ADMIN, "/admin/v1/stats").getJsonArray("points");
    }, p -> p.stream().anyMatch(x -> ((JsonObject) x).getDouble("requests_per_s") > 0));
    JsonObject busy = points.stream().map(JsonObject.class::cast).filter(p -> p.getDouble("requests_per_s") > 0)
        .findFirst().orElseThrow();
    assertThat(busy.fieldNames()).contains("p50_ms", "p99_ms", "active_streams", "cache_hit_ratio", "affinity_moves",
        "errors_per_s");
    assertThat(busy.getDouble("p50_ms")).isPositive();
  }

  JsonArray list(String key, String query) {
    return get(key, "/admin/v1/responses" + query).getJsonArray("data");
  }

  JsonObject get(String key, String path) {
    Reply reply = gateway.as(key).get(path);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  static List<String> ids(JsonArray lines) {
    return lines.stream().map(l -> ((JsonObject) l).getString("id")).toList();
  }

  /** The index is written after the turn is stored, without the client waiting: poll briefly. */
  static <T> T eventually(Supplier<T> read, java.util.function.Predicate<T> done) {
    long deadline = System.currentTimeMillis() + 10_000;
    T value = read.get();
    while (!done.test(value)) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("never came true: " + value);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      value = read.get();
    }
    return value;
  }

  static void assertError(Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.contentType()).startsWith("application/json");
    JsonObject error = reply.error();
    assertThat(error.fieldNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
    assertThat(error.getString("code")).isEqualTo(code);
  }
}
