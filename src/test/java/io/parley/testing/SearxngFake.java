package io.parley.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake SearXNG instance for tests (no real one can run here): {@code GET /search?q=...&format=json} answers in
 * SearXNG's documented JSON format ({@code query}, {@code number_of_results}, {@code results} of {@code url},
 * {@code title}, {@code content}, {@code engine}, {@code score}, ..., and the empty {@code answers},
 * {@code suggestions}, {@code infoboxes}, {@code unresponsive_engines} lists); another format is a 403, as from an
 * instance whose settings do not enable it. Every query is recorded. Results are made up from the query:
 * {@code https://example.org/<query words>/<n>}, ten of them.
 */
public final class SearxngFake implements AutoCloseable {

  private final HttpServer server;
  private final List<MultiMap> queries = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile JsonArray results;

  public SearxngFake(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(request -> {
      if (!request.path().endsWith("/search")) {
        request.response().setStatusCode(404).end();
        return;
      }
      queries.add(MultiMap.caseInsensitiveMultiMap().addAll(request.params()));
      if (status != 200) {
        request.response().setStatusCode(status).end("unavailable");
        return;
      }
      if (!"json".equals(request.getParam("format"))) {
        request.response().setStatusCode(403).end("Forbidden");
        return;
      }
      String query = request.getParam("q");
      request.response().putHeader("content-type", "application/json").end(answer(query).encode());
    });
    server.listen(0, "127.0.0.1").await();
  }

  /** The base URL to configure ({@code searxng:<base>}). */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The query parameters of every search received. */
  public List<MultiMap> queries() {
    return queries;
  }

  /** From now on every search answers this status (200: results again). */
  public void status(int status) {
    this.status = status;
  }

  /** From now on every search answers these results ({@code null}: made up from the query). */
  public void results(JsonArray results) {
    this.results = results;
  }

  public void reset() {
    queries.clear();
    status = 200;
    results = null;
  }

  private JsonObject answer(String query) {
    JsonArray list = results;
    if (list == null) {
      list = new JsonArray();
      String slug = query.trim().toLowerCase().replaceAll("[^a-z0-9]+", "-");
      for (int i = 1; i <= 10; i++) {
        String url = "https://example.org/" + slug + "/" + i;
        list.add(new JsonObject().put("url", url).put("title", "Result " + i + " for " + query)
            .put("content", "Snippet " + i + " about " + query + ".").put("engine", "duckduckgo")
            .put("parsed_url", new JsonArray().add("https").add("example.org").add("/" + slug + "/" + i).add("").add("").add(""))
            .put("template", "default.html").put("engines", new JsonArray().add("duckduckgo"))
            .put("positions", new JsonArray().add(i)).put("score", 1.0 / i).put("category", "general"));
      }
    }
    return new JsonObject().put("query", query).put("number_of_results", list.size()).put("results", list)
        .put("answers", new JsonArray()).put("corrections", new JsonArray()).put("infoboxes", new JsonArray())
        .put("suggestions", new JsonArray()).put("unresponsive_engines", new JsonArray());
  }

  @Override
  public void close() {
    server.close().await();
  }
}
