package io.parley.testing;

import io.vertx.core.json.JsonObject;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads a whole SSE reply from the gateway and checks its framing while doing so. */
public final class Sse {

  /** One event: its {@code event:} name and its parsed {@code data:} payload. */
  public record Event(String name, JsonObject data) {
    public String type() {
      return data.getString("type");
    }
  }

  /** Everything a stream delivered: HTTP status, content type, events, and whether it ended with [DONE]. */
  public record Stream(int status, String contentType, List<Event> events, boolean done, String rawBody) {
    public List<String> types() {
      return events.stream().map(Event::type).toList();
    }

    public Event last() {
      return events.get(events.size() - 1);
    }
  }

  private Sse() {
  }

  public static Stream post(Gateway gateway, JsonObject body) {
    return post(gateway, body, java.util.Map.of());
  }

  /** As {@link #post(Gateway, JsonObject)}, with extra request headers (e.g. {@code Idempotency-Key}). */
  public static Stream post(Gateway gateway, JsonObject body, java.util.Map<String, String> headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(gateway.uri("/v1/responses"))
        .timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    headers.forEach(builder::header);
    HttpRequest request = builder.build();
    try {
      // send() bounds the wait for the head only; bound the whole body too, so a stuck stream fails the test.
      HttpResponse<String> response = gateway.http().sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
      return parse(response.statusCode(), response.headers().firstValue("content-type").orElse(""), response.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static Stream parse(int status, String contentType, String body) {
    List<Event> events = new ArrayList<>();
    boolean done = false;
    for (String block : body.split("\n\n")) {
      if (block.isBlank()) {
        continue;
      }
      String name = null;
      String data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      if ("[DONE]".equals(data)) {
        done = true;
      } else if (data != null) {
        events.add(new Event(name, new JsonObject(data)));
      }
    }
    return new Stream(status, contentType, events, done, body);
  }
}
