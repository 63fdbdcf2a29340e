package io.parley.mcp;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-written Streamable HTTP MCP server for what the SDK's server does not do: it paginates
 * {@code tools/list} ({@code nextCursor}; the SDK's server always answers one page), and answers a redirect on
 * {@code /moved}. JSON bodies only; one fixed session id.
 */
final class PagedMcpServer {

  private final HttpServer server;
  private final int tools;
  private final int pageSize;
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  private PagedMcpServer(HttpServer server, int tools, int pageSize) {
    this.server = server;
    this.tools = tools;
    this.pageSize = pageSize;
  }

  static PagedMcpServer start(Vertx vertx, int tools, int pageSize) {
    HttpServer http = vertx.createHttpServer();
    PagedMcpServer fixture = new PagedMcpServer(http, tools, pageSize);
    http.requestHandler(fixture::handle).listen(0, "127.0.0.1").await();
    return fixture;
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/mcp";
  }

  String movedUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/moved";
  }

  int count(String method) {
    AtomicInteger count = counts.get(method);
    return count == null ? 0 : count.get();
  }

  void close() {
    server.close().await();
  }

  private void handle(HttpServerRequest request) {
    if (request.path().equals("/moved")) {
      request.response().setStatusCode(307).putHeader("Location", url()).end();
      return;
    }
    request.body().onSuccess(body -> {
      JsonObject message = body.toJsonObject();
      String method = message.getString("method");
      counts.computeIfAbsent(method, key -> new AtomicInteger()).incrementAndGet();
      if (!message.containsKey("id")) {
        request.response().setStatusCode(202).end();
        return;
      }
      JsonObject result = switch (method) {
        case "initialize" -> new JsonObject().put("protocolVersion", "2025-06-18")
            .put("capabilities", new JsonObject().put("tools", new JsonObject()))
            .put("serverInfo", new JsonObject().put("name", "paged").put("version", "1"));
        case "tools/list" -> page(message.getJsonObject("params", new JsonObject()).getString("cursor"));
        default -> null;
      };
      JsonObject answer = new JsonObject().put("jsonrpc", "2.0").put("id", message.getValue("id"));
      if (result == null) {
        answer.put("error", new JsonObject().put("code", -32601).put("message", "no method " + method));
      } else {
        answer.put("result", result);
      }
      request.response().putHeader("Content-Type", "application/json").putHeader("Mcp-Session-Id", "paged-session")
          .end(answer.encode());
    });
  }

  private JsonObject page(String cursor) {
    int from = cursor == null ? 0 : Integer.parseInt(cursor.substring("page-".length()));
    JsonArray list = new JsonArray();
    for (int i = from; i < Math.min(tools, from + pageSize); i++) {
      list.add(new JsonObject().put("name", "paged_" + i).put("description", "Paged tool " + i)
          .put("inputSchema", new JsonObject().put("type", "object"))
          .put("annotations", new JsonObject().put("readOnlyHint", true)));
    }
    JsonObject page = new JsonObject().put("tools", list);
    return from + pageSize < tools ? page.put("nextCursor", "page-" + (from + pageSize)) : page;
  }
}
