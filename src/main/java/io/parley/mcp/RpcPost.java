package io.parley.mcp;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * One JSON-RPC message POSTed to an MCP endpoint and, for a request, the answer with its id, read from a JSON body
 * or from an event stream: servers may send either. A non-2xx status fails with {@code http_<status>} (3xx
 * included: redirects are not followed); more than {@code maxBytes} fails with {@code too_large} and stops reading.
 */
final class RpcPost {

  record Answer(JsonObject message, MultiMap headers) {
  }

  private RpcPost() {
  }

  /**
   * @param answered whether the answer comes back on this POST (Streamable HTTP requests); else only an
   *                 acknowledgement does (notifications, and every legacy HTTP+SSE message), and the answer's
   *                 message is {@code null}
   */
  static Future<Answer> send(HttpClient http, Target target, MultiMap headers, JsonObject message, boolean answered,
      long maxBytes, Exchange exchange) {
    Object id = answered ? message.getValue("id") : null;
    return http.request(target.options(HttpMethod.POST).setHeaders(headers))
        .compose(request -> {
          exchange.track(request);
          return request.send(message.toBuffer());
        })
        .compose(response -> {
          if (response.statusCode() / 100 != 2) {
            discard(response);
            return Future.failedFuture(McpException.status(response.statusCode(), exchange.host()));
          }
          if (id == null) {
            return body(response, maxBytes, exchange.host()).map(ignored -> new Answer(null, response.headers()));
          }
          String type = contentType(response);
          Future<JsonObject> answer;
          if (type.startsWith("text/event-stream")) {
            answer = fromEvents(response, id, maxBytes, exchange.host());
          } else if (type.startsWith("application/json")) {
            answer = body(response, maxBytes, exchange.host()).map(body -> fromJson(body, id, exchange.host()));
          } else {
            discard(response);
            answer = Future.failedFuture(McpException.protocol(exchange.host(), "unexpected content type " + type));
          }
          return answer.map(found -> new Answer(found, response.headers()));
        });
  }

  /** Gives up an answer unread: its request is reset, and the reset it reports is expected, not an error to log. */
  static void discard(HttpClientResponse response) {
    response.exceptionHandler(ignored -> { });
    response.request().reset();
  }

  static String contentType(HttpClientResponse response) {
    String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
    return type == null ? "" : type.toLowerCase(Locale.ROOT).trim();
  }

  static McpException tooLarge(String host, long maxBytes) {
    return new McpException("too_large", "MCP server " + host + " answered more than " + maxBytes + " bytes");
  }

  /** The whole body, or {@code too_large} as soon as it passes {@code maxBytes} (the request is reset then). */
  static Future<Buffer> body(HttpClientResponse response, long maxBytes, String host) {
    String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19
        && Long.parseLong(length) > maxBytes) {
      discard(response);
      return Future.failedFuture(tooLarge(host, maxBytes));
    }
    Promise<Buffer> done = Promise.promise();
    Buffer body = Buffer.buffer();
    response.handler(chunk -> {
      if (body.length() + (long) chunk.length() > maxBytes) {
        if (done.tryFail(tooLarge(host, maxBytes))) {
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

  private static JsonObject fromJson(Buffer body, Object id, String host) {
    JsonObject answer = JsonRpc.answerTo(decode(body.toString(), host), id);
    if (answer == null) {
      throw McpException.protocol(host, "the answer is not for the request sent");
    }
    return answer;
  }

  private static Future<JsonObject> fromEvents(HttpClientResponse response, Object id, long maxBytes, String host) {
    Promise<JsonObject> done = Promise.promise();
    long[] seen = {0};
    SseParser parser = new SseParser(event -> {
      if (!done.future().isComplete() && event.name().equals("message")) {
        try {
          JsonObject answer = JsonRpc.answerTo(decode(event.data(), host), id);
          if (answer != null) {
            done.tryComplete(answer);
          }
        } catch (McpException e) {
          done.tryFail(e);
        }
      }
    });
    response.handler(chunk -> {
      if (done.future().isComplete()) {
        return;
      }
      seen[0] += chunk.length();
      if (seen[0] > maxBytes) {
        done.tryFail(tooLarge(host, maxBytes));
        response.request().reset();
      } else {
        parser.feed(chunk);
      }
    });
    response.exceptionHandler(done::tryFail);
    response.endHandler(ignored -> done.tryFail(McpException.protocol(host, "the event stream ended without the answer")));
    return done.future();
  }

  static Object decode(String json, String host) {
    try {
      return Json.decodeValue(json);
    } catch (DecodeException e) {
      throw McpException.protocol(host, "a message is not JSON");
    }
  }
}
