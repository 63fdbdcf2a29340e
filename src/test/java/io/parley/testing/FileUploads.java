package io.parley.testing;

import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Multipart uploads to {@code /v1/files} and raw downloads, as a client (curl, an SDK) sends and reads them. */
public final class FileUploads {

  private FileUploads() {
  }

  /** A reply whose body is kept as bytes. */
  public record Download(int status, byte[] body, String contentType, String disposition) {
  }

  /** Uploads {@code content} as {@code filename} with {@code purpose}; {@code key} may be {@code null}. */
  public static Gateway.Reply upload(Gateway gateway, String key, String filename, byte[] content, String purpose) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (purpose != null) {
      fields.put("purpose", purpose);
    }
    return upload(gateway, key, filename, content, fields);
  }

  public static Gateway.Reply upload(Gateway gateway, String key, String filename, byte[] content, Map<String, String> fields) {
    String boundary = "----parley" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    fields.forEach((name, value) -> write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
        + "\"\r\n\r\n" + value + "\r\n"));
    if (filename != null) {
      write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
          + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
      body.writeBytes(content);
      write(body, "\r\n");
    }
    write(body, "--" + boundary + "--\r\n");
    HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri("/v1/files"))
        .header("content-type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    return send(gateway, key, request);
  }

  public static JsonObject uploaded(Gateway gateway, String key, String filename, byte[] content, String purpose) {
    Gateway.Reply reply = upload(gateway, key, filename, content, purpose);
    if (reply.status() != 200) {
      throw new AssertionError("upload failed: " + reply.status() + " " + reply.body());
    }
    return reply.json();
  }

  public static Gateway.Reply send(Gateway gateway, String key, HttpRequest.Builder request) {
    if (key != null) {
      request.header("authorization", "Bearer " + key);
    }
    try {
      HttpResponse<String> response = gateway.http().send(request.timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Gateway.Reply(response.statusCode(), response.body(),
          response.headers().firstValue("content-type").orElse(""), null, response.headers().map());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static Download download(Gateway gateway, String key, String id) {
    HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri("/v1/files/" + id + "/content")).GET();
    if (key != null) {
      request.header("authorization", "Bearer " + key);
    }
    try {
      HttpResponse<byte[]> response = gateway.http().send(request.timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      return new Download(response.statusCode(), response.body(), response.headers().firstValue("content-type").orElse(""),
          response.headers().firstValue("content-disposition").orElse(null));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }
}
