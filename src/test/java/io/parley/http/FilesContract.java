package io.parley.http;

import io.parley.testing.FileUploads;
import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.parley.testing.FileUploads.upload;
import static io.parley.testing.FileUploads.uploaded;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Files API, and files as turn inputs, per store backend: two gateways ({@code gateway} and {@code replica})
 * share the backend as two replicas would.
 */
abstract class FilesContract extends ResponsesApiHarness {

  static final String ACME = "sk-acme-files";
  static final String GLOBEX = "sk-globex-files";

  Gateway replica;

  /** {@code PARLEY_*} settings of the file store (and the state store) under test. */
  abstract Map<String, String> backend();

  /** Whether the two gateways share responses too (Redis), so a chain can continue on either. */
  abstract boolean sharedState();

  @Override
  Map<String, String> storeSettings() {
    Map<String, String> settings = new HashMap<>(backend());
    settings.put("PARLEY_API_KEYS", "acme=" + ACME + ",globex=" + GLOBEX);
    settings.put("PARLEY_FILE_INPUTS", "native,reader=text");
    // The URL tests serve files from this machine.
    settings.put("PARLEY_MCP_ALLOW_PRIVATE_NETWORKS", "true");
    return settings;
  }

  @BeforeAll
  void startReplica() {
    replica = startGateway(Map.of());
  }

  @AfterAll
  void stopReplica() {
    replica.close();
  }

  Reply get(Gateway on, String path) {
    return FileUploads.send(on, ACME, HttpRequest.newBuilder(on.uri(path)).GET());
  }

  Reply delete(Gateway on, String path) {
    return FileUploads.send(on, ACME, HttpRequest.newBuilder(on.uri(path)).DELETE());
  }

  @Test
  void aFileIsUploadedRetrievedDownloadedListedAndDeletedOnEitherReplica() {
    byte[] pdf = ("%PDF-1.4\n" + "x".repeat(700_000) + "\n%%EOF").getBytes(StandardCharsets.ISO_8859_1);
    long before = System.currentTimeMillis() / 1000;
    JsonObject file = uploaded(gateway, ACME, "report.pdf", pdf, "user_data");
    assertThat(file.getString("id")).matches("file-[0-9a-f]{32}");
    assertThat(file.getString("object")).isEqualTo("file");
    assertThat(file.getLong("bytes")).isEqualTo(pdf.length);
    assertThat(file.getLong("created_at")).isBetween(before, before + 5);
    assertThat(file.getLong("expires_at")).isEqualTo(file.getLong("created_at") + 30L * 24 * 3600);
    assertThat(file.getString("filename")).isEqualTo("report.pdf");
    assertThat(file.getString("purpose")).isEqualTo("user_data");
    assertThat(file.getString("status")).isEqualTo("processed");
    String id = file.getString("id");

    Reply retrieved = get(replica, "/v1/files/" + id);
    assertThat(retrieved.status()).isEqualTo(200);
    assertThat(retrieved.json()).isEqualTo(file);
    FileUploads.Download content = FileUploads.download(replica, ACME, id);
    assertThat(content.status()).isEqualTo(200);
    assertThat(content.contentType()).isEqualTo("application/pdf");
    assertThat(content.disposition()).isEqualTo("attachment; filename*=UTF-8''report.pdf");
    assertThat(content.body()).isEqualTo(pdf);
    assertThat(get(replica, "/v1/files").json().getJsonArray("data").getJsonObject(0)).isEqualTo(file);

    Reply deleted = delete(replica, "/v1/files/" + id);
    assertThat(deleted.json()).isEqualTo(new JsonObject().put("id", id).put("object", "file").put("deleted", true));
    assertError(get(gateway, "/v1/files/" + id), 404, null, "not_found");
    assertError(get(gateway, "/v1/files/" + id + "/content"), 404, null, "not_found");
    assertError(delete(gateway, "/v1/files/" + id), 404, null, "not_found");
  }

  @Test
  void listsPageInEitherOrderAndFilterByPurpose() {
    String key = "sk-lister";
    // A tenant of its own, so other tests' files are not in its lists.
    try (Gateway lister = startGateway(Map.of("PARLEY_API_KEYS", "lister=" + key))) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add(uploaded(lister, key, "f" + i + ".txt", ("file " + i).getBytes(), i < 2 ? "assistants" : "user_data")
            .getString("id"));
      }
      JsonObject all = FileUploads.send(lister, key, HttpRequest.newBuilder(lister.uri("/v1/files")).GET()).json();
      assertThat(all.getString("object")).isEqualTo("list");
      assertThat(ids(all)).containsExactly(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));
      assertThat(all.getString("first_id")).isEqualTo(ids.get(4));
      assertThat(all.getString("last_id")).isEqualTo(ids.get(0));
      assertThat(all.getBoolean("has_more")).isFalse();

      JsonObject page = list(lister, key, "?order=asc&limit=2");
      assertThat(ids(page)).containsExactly(ids.get(0), ids.get(1));
      assertThat(page.getBoolean("has_more")).isTrue();
      JsonObject next = list(lister, key, "?order=asc&limit=2&after=" + page.getString("last_id"));
      assertThat(ids(next)).containsExactly(ids.get(2), ids.get(3));
      assertThat(ids(list(lister, key, "?limit=10&after=" + ids.get(2)))).containsExactly(ids.get(1), ids.get(0));
      assertThat(ids(list(lister, key, "?purpose=assistants"))).containsExactly(ids.get(1), ids.get(0));
      assertThat(ids(list(lister, key, "?purpose=user_data&order=asc&limit=1"))).containsExactly(ids.get(2));
      assertThat(ids(list(lister, key, "?purpose=vision"))).isEmpty();
    }
  }

  @Test
  void anotherTenantsFileIsIndistinguishableFromAMissingOne() {
    String id = uploaded(gateway, ACME, "secret.txt", "secret".getBytes(), "user_data").getString("id");
    String missing = "file-" + "0".repeat(32);
    for (String path : List.of("/v1/files/", "/v1/files/%s/content")) {
      Reply foreign = FileUploads.send(gateway, GLOBEX, HttpRequest.newBuilder(gateway.uri(path.contains("%s")
          ? path.formatted(id) : path + id)).GET());
      Reply unknown = FileUploads.send(gateway, GLOBEX, HttpRequest.newBuilder(gateway.uri(path.contains("%s")
          ? path.formatted(missing) : path + missing)).GET());
      assertError(foreign, 404, null, "not_found");
      assertThat(foreign.body().replace(id, "X")).isEqualTo(unknown.body().replace(missing, "X"));
    }
    assertThat(ids(list(gateway, GLOBEX, ""))).doesNotContain(id);
    assertError(FileUploads.send(gateway, GLOBEX, HttpRequest.newBuilder(gateway.uri("/v1/files/" + id)).DELETE()),
        404, null, "not_found");
    assertThat(get(gateway, "/v1/files/" + id).status()).isEqualTo(200);
    assertError(FileUploads.upload(gateway, null, "x.txt", "x".getBytes(), "user_data"), 401, null, "missing_api_key");
  }

  @Test
  void aFileOverTheLimitIs413() {
    try (Gateway small = startGateway(Map.of("PARLEY_FILES_MAX_BYTES", "4096"))) {
      byte[] big = new byte[5000];
      new Random(1).nextBytes(big);
      Reply tooBig = upload(small, ACME, "big.bin", big, "user_data");
      assertError(tooBig, 413, "file", "file_too_large");
      assertThat(tooBig.error().getString("message")).contains("4096");
      // Far over: refused by its Content-Length before it is read.
      assertError(upload(small, ACME, "huge.bin", new byte[200_000], "user_data"), 413, "file", "file_too_large");
      assertThat(upload(small, ACME, "ok.bin", new byte[4096], "user_data").status()).isEqualTo(200);
    }
  }

  @Test
  void malformedUploadsAndListsAre400s() {
    byte[] x = "x".getBytes();
    assertError(upload(gateway, ACME, "x.txt", x, (String) null), 400, "purpose", "missing_required_parameter");
    assertError(upload(gateway, ACME, "x.txt", x, "fun"), 400, "purpose", "invalid_value");
    assertError(upload(gateway, ACME, null, x, "user_data"), 400, "file", "missing_required_parameter");
    assertError(upload(gateway, ACME, "x.txt", x, Map.of("purpose", "user_data", "expires_after[anchor]", "last_active_at",
        "expires_after[seconds]", "3600")), 400, "expires_after[anchor]", "invalid_value");
    assertError(upload(gateway, ACME, "x.txt", x, Map.of("purpose", "user_data", "expires_after[anchor]", "created_at",
        "expires_after[seconds]", "60")), 400, "expires_after[seconds]", "invalid_value");
    assertError(upload(gateway, ACME, "x.txt", x, Map.of("purpose", "user_data", "expires_after[anchor]", "created_at")),
        400, "expires_after[seconds]", "missing_required_parameter");
    Reply json = FileUploads.send(gateway, ACME, HttpRequest.newBuilder(gateway.uri("/v1/files"))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"purpose\":\"user_data\"}")));
    assertError(json, 400, null, "invalid_request");
    assertError(get(gateway, "/v1/files?limit=0"), 400, "limit", "invalid_value");
    assertError(get(gateway, "/v1/files?limit=10001"), 400, "limit", "invalid_value");
    assertError(get(gateway, "/v1/files?limit=ten"), 400, "limit", "invalid_type");
    assertError(get(gateway, "/v1/files?order=up"), 400, "order", "invalid_value");
    assertError(get(gateway, "/v1/files?purpose=fun"), 400, "purpose", "invalid_value");
    assertError(FileUploads.send(gateway, ACME, HttpRequest.newBuilder(gateway.uri("/v1/uploads"))
        .POST(HttpRequest.BodyPublishers.ofString("{}"))), 400, null, "unsupported_endpoint");
  }

  @Test
  void expiresAfterSetsWhenTheFileExpires() {
    JsonObject file = upload(gateway, ACME, "x.txt", "x".getBytes(), Map.of("purpose", "batch",
        "expires_after[anchor]", "created_at", "expires_after[seconds]", "7200")).json();
    assertThat(file.getLong("expires_at")).isEqualTo(file.getLong("created_at") + 7200);
    assertThat(file.getString("purpose")).isEqualTo("batch");
  }

  static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};

  JsonObject turn(Gateway on, JsonArray content, String previous) {
    JsonObject body = new JsonObject().put("model", "m").put("input", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", content)));
    if (previous != null) {
      body.put("previous_response_id", previous);
    }
    Reply reply = on.as(ACME).post("/v1/responses", body);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  static JsonArray text(String text) {
    return new JsonArray().add(new JsonObject().put("type", "input_text").put("text", text));
  }

  static JsonObject fileRef(String id) {
    return new JsonObject().put("type", "input_file").put("file_id", id);
  }

  static JsonObject imageRef(String id) {
    return new JsonObject().put("type", "input_image").put("file_id", id).put("detail", "low");
  }

  /** The provider's last request, as bytes. */
  String lastRaw() {
    return provider.requests().get(provider.requests().size() - 1).raw().toString();
  }

  @Test
  void aFileIdIsSentAsTheFileOnEveryTurnOnEitherReplicaAndStoredAsTheId() {
    byte[] pdf = "%PDF-1.4\nsome document\n%%EOF".getBytes(StandardCharsets.ISO_8859_1);
    String pdfId = uploaded(gateway, ACME, "report.pdf", pdf, "user_data").getString("id");
    String pngId = uploaded(replica, ACME, "chart.png", PNG, "vision").getString("id");
    JsonArray content = text("what is in these?").add(fileRef(pdfId)).add(imageRef(pngId));
    JsonObject first = turn(gateway, content, null);

    String pdfUrl = "data:application/pdf;base64," + java.util.Base64.getEncoder().encodeToString(pdf);
    String pngUrl = "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(PNG);
    JsonArray sent = new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", "what is in these?"))
        .add(new JsonObject().put("type", "file").put("file", new JsonObject().put("filename", "report.pdf")
            .put("file_data", pdfUrl)))
        .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", pngUrl).put("detail", "low")));
    assertThat(provider.lastMessages().getJsonObject(0).getJsonArray("content")).isEqualTo(sent);
    String firstRaw = lastRaw();
    String firstMessage = firstRaw.substring(firstRaw.indexOf("[{"), firstRaw.indexOf("}]}") + 3);

    // Turn 2 on the other replica (which holds nothing of the chain), 3 back on the first (its memory holds turn 1
    // only), 4 on the first again (its memory holds the chain): the file goes every time, byte for byte as at first.
    Gateway[] order = sharedState() ? new Gateway[] {replica, gateway, gateway} : new Gateway[] {gateway, gateway, gateway};
    String previous = first.getString("id");
    for (Gateway on : order) {
      previous = turn(on, text("and now?"), previous).getString("id");
      assertThat(provider.lastMessages().getJsonObject(0).getJsonArray("content")).isEqualTo(sent);
      assertThat(lastRaw()).contains(firstMessage);
    }

    // What is stored is the reference, not the bytes.
    JsonObject stored = get(sharedState() ? replica : gateway, "/v1/responses/" + first.getString("id") + "/input_items").json();
    JsonArray storedContent = stored.getJsonArray("data").getJsonObject(0).getJsonArray("content");
    assertThat(storedContent.getJsonObject(1)).isEqualTo(fileRef(pdfId));
    assertThat(storedContent.getJsonObject(2)).isEqualTo(imageRef(pngId));
    assertThat(stored.encode()).doesNotContain("base64");
  }

  JsonObject readerTurn(Gateway on, String model, JsonArray content, String previous) {
    JsonObject body = new JsonObject().put("model", model).put("input", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", content)));
    if (previous != null) {
      body.put("previous_response_id", previous);
    }
    Reply reply = on.as(ACME).post("/v1/responses", body);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  @Test
  void aModelThatReadsTextIsSentTheTextOfARealPdfAndDocxOnEveryTurn() throws Exception {
    String pdfId = uploaded(gateway, ACME, "q3.pdf", io.parley.testing.Documents.pdf("Quarterly revenue rose 12%"),
        "user_data").getString("id");
    String docxId = uploaded(gateway, ACME, "notes.docx", io.parley.testing.Documents.docx("Meeting notes", "Ship on Friday"),
        "user_data").getString("id");
    String pngId = uploaded(gateway, ACME, "chart.png", PNG, "vision").getString("id");
    JsonArray content = text("summarize").add(fileRef(pdfId)).add(fileRef(docxId)).add(imageRef(pngId));
    JsonObject first = readerTurn(gateway, "reader-1", content, null);

    JsonArray sent = provider.lastMessages().getJsonObject(0).getJsonArray("content");
    assertThat(sent.getJsonObject(1).getString("type")).isEqualTo("text");
    assertThat(sent.getJsonObject(1).getString("text")).startsWith("[file: q3.pdf]\n").contains("Quarterly revenue rose 12%");
    assertThat(sent.getJsonObject(2)).isEqualTo(new JsonObject().put("type", "text")
        .put("text", "[file: notes.docx]\nMeeting notes\nShip on Friday"));
    assertThat(sent.getJsonObject(3).getString("type")).as("images stay images").isEqualTo("image_url");
    String firstRaw = lastRaw();
    String firstMessage = firstRaw.substring(firstRaw.indexOf("[{"), firstRaw.indexOf("}]}") + 3);

    readerTurn(sharedState() ? replica : gateway, "reader-1", text("more"), first.getString("id"));
    assertThat(provider.lastMessages().getJsonObject(0).getJsonArray("content")).isEqualTo(sent);
    assertThat(lastRaw()).contains(firstMessage);

    // The same file goes to a model that reads files as the file itself.
    turn(gateway, text("and you?").add(fileRef(docxId)), null);
    assertThat(provider.lastMessages().getJsonObject(0).getJsonArray("content").getJsonObject(1).getString("type"))
        .isEqualTo("file");

    String blobId = uploaded(gateway, ACME, "blob.bin", new byte[] {0, 1, 2, 3, (byte) 0xfe}, "user_data").getString("id");
    assertError(gateway.as(ACME).post("/v1/responses", new JsonObject().put("model", "reader-1").put("input", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", text("read").add(fileRef(blobId)))))),
        400, "input[0].content[1].file_id", "invalid_value");
  }

  @Test
  void anInlineDocumentReachesATextModelAsItsTextOnEveryTurn() throws Exception {
    byte[] pdf = io.parley.testing.Documents.pdf("Inline revenue rose 7%");
    JsonObject part = new JsonObject().put("type", "input_file").put("filename", "inline.pdf")
        .put("file_data", "data:application/pdf;base64," + java.util.Base64.getEncoder().encodeToString(pdf));
    JsonObject first = readerTurn(gateway, "reader-1", text("summarize").add(part), null);
    JsonObject sent = provider.lastMessages().getJsonObject(0).getJsonArray("content").getJsonObject(1);
    assertThat(sent.getString("type")).isEqualTo("text");
    assertThat(sent.getString("text")).startsWith("[file: inline.pdf]\n").contains("Inline revenue rose 7%");

    readerTurn(sharedState() ? replica : gateway, "reader-1", text("more"), first.getString("id"));
    assertThat(provider.lastMessages().getJsonObject(0).getJsonArray("content").getJsonObject(1)).isEqualTo(sent);

    // A model that reads files gets the file itself, as sent.
    turn(gateway, text("and you?").add(part.copy()), null);
    JsonObject file = provider.lastMessages().getJsonObject(0).getJsonArray("content").getJsonObject(1);
    assertThat(file.getString("type")).isEqualTo("file");
    assertThat(file.getJsonObject("file").getString("file_data")).isEqualTo(part.getString("file_data"));

    assertError(gateway.as(ACME).post("/v1/responses", new JsonObject().put("model", "reader-1").put("input", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", text("read").add(part.copy().put("file_data", "%%not base64%%")))))),
        400, "input[0].content[1].file_data", "invalid_value");
  }

  @Test
  void aDocumentsTextLongerThanTheContextWindowIsA400() {
    try (Gateway small = startGateway(Map.of("PARLEY_CONTEXT_WINDOWS", "reader-small=200"))) {
      String id = uploaded(small, ACME, "long.md", "word ".repeat(2000).getBytes(), "user_data").getString("id");
      Reply tooLong = small.as(ACME).post("/v1/responses", new JsonObject().put("model", "reader-small")
          .put("input", new JsonArray().add(new JsonObject().put("role", "user").put("content", text("read").add(fileRef(id))))));
      assertError(tooLong, 400, "input", "context_length_exceeded");
      assertThat(provider.requests()).isEmpty();
    }
  }

  @Test
  void filesAndImagesNamedByUrlAreFetchedOnceStoredAndSentOnEveryTurn() {
    byte[] pdf = "%PDF-1.4\nfetched document".getBytes(StandardCharsets.ISO_8859_1);
    java.util.concurrent.atomic.AtomicInteger hits = new java.util.concurrent.atomic.AtomicInteger();
    io.vertx.core.http.HttpServer files = providerVertx.createHttpServer().requestHandler(request -> {
      hits.incrementAndGet();
      switch (request.path()) {
        case "/docs/report.pdf" -> request.response().putHeader("content-type", "application/pdf").end(io.vertx.core.buffer.Buffer.buffer(pdf));
        case "/moved" -> request.response().setStatusCode(302).putHeader("location", "/img/chart.png").end();
        case "/img/chart.png" -> request.response().putHeader("content-type", "image/png").end(io.vertx.core.buffer.Buffer.buffer(PNG));
        case "/big" -> request.response().end(io.vertx.core.buffer.Buffer.buffer(new byte[6000]));
        default -> request.response().setStatusCode(404).end();
      }
    });
    files.listen(0, "127.0.0.1").await();
    String base = "http://127.0.0.1:" + files.actualPort();
    try {
      JsonArray content = text("look").add(new JsonObject().put("type", "input_file").put("file_url", base + "/docs/report.pdf"))
          .add(new JsonObject().put("type", "input_image").put("image_url", base + "/moved").put("detail", "high"));
      JsonObject first = turn(gateway, content, null);
      JsonArray sent = provider.lastMessages().getJsonObject(0).getJsonArray("content");
      assertThat(sent.getJsonObject(1)).isEqualTo(new JsonObject().put("type", "file").put("file", new JsonObject()
          .put("filename", "report.pdf").put("file_data", "data:application/pdf;base64," + java.util.Base64.getEncoder().encodeToString(pdf))));
      assertThat(sent.getJsonObject(2)).isEqualTo(new JsonObject().put("type", "image_url").put("image_url", new JsonObject()
          .put("url", "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(PNG)).put("detail", "high")));
      assertThat(hits.get()).isEqualTo(3);

      turn(sharedState() ? replica : gateway, text("again"), first.getString("id"));
      assertThat(provider.lastMessages().getJsonObject(0).getJsonArray("content")).isEqualTo(sent);
      assertThat(hits.get()).as("fetched once").isEqualTo(3);
      JsonArray stored = get(gateway, "/v1/responses/" + first.getString("id") + "/input_items").json()
          .getJsonArray("data").getJsonObject(0).getJsonArray("content");
      assertThat(stored.getJsonObject(1).getString("file_url")).isEqualTo(base + "/docs/report.pdf");
      assertThat(stored.getJsonObject(1).getString("file_id")).matches("file-[0-9a-f]{32}");
      assertThat(stored.getJsonObject(2).getString("file_id")).matches("file-[0-9a-f]{32}");
      assertThat(stored.encode()).doesNotContain("base64");

      assertError(gateway.as(ACME).post("/v1/responses", new JsonObject().put("model", "m").put("input", new JsonArray()
          .add(new JsonObject().put("role", "user").put("content", text("x").add(new JsonObject().put("type", "input_file")
              .put("file_url", base + "/missing.pdf")))))), 400, "input[0].content[1].file_url", "invalid_value");
      try (Gateway strict = startGateway(Map.of("PARLEY_MCP_ALLOW_PRIVATE_NETWORKS", "false", "PARLEY_FILES_MAX_BYTES", "5000"))) {
        int before = hits.get();
        Reply refused = strict.as(ACME).post("/v1/responses", new JsonObject().put("model", "m").put("input", new JsonArray()
            .add(new JsonObject().put("role", "user").put("content", text("x").add(new JsonObject().put("type", "input_image")
                .put("image_url", base + "/img/chart.png?token=s3cret"))))));
        assertError(refused, 400, "input[0].content[1].image_url", "invalid_value");
        assertThat(refused.error().getString("message")).contains("private").doesNotContain("s3cret");
        assertThat(hits.get()).isEqualTo(before);
      }
      try (Gateway small = startGateway(Map.of("PARLEY_FILES_MAX_BYTES", "5000"))) {
        Reply big = small.as(ACME).post("/v1/responses", new JsonObject().put("model", "m").put("input", new JsonArray()
            .add(new JsonObject().put("role", "user").put("content", text("x").add(new JsonObject().put("type", "input_file")
                .put("file_url", base + "/big"))))));
        assertError(big, 400, "input[0].content[1].file_url", "invalid_value");
        assertThat(big.error().getString("message")).contains("5000");
      }
    } finally {
      files.close().await();
    }
  }

  @Test
  void aConversationsItemsSendTheirFilesOnEveryTurn() {
    byte[] pdf = "%PDF-1.4\nconversation document".getBytes(StandardCharsets.ISO_8859_1);
    String pdfId = uploaded(gateway, ACME, "c.pdf", pdf, "user_data").getString("id");
    Reply conversation = gateway.as(ACME).post("/v1/conversations", new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("type", "message").put("role", "user").put("content", text("keep this").add(fileRef(pdfId))))));
    assertThat(conversation.status()).as(conversation.body()).isEqualTo(200);
    String id = conversation.json().getString("id");
    String dataUrl = "data:application/pdf;base64," + java.util.Base64.getEncoder().encodeToString(pdf);
    for (String question : List.of("first?", "second?")) {
      Reply reply = gateway.as(ACME).post("/v1/responses", new JsonObject().put("model", "m").put("input", question)
          .put("conversation", id));
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      assertThat(provider.lastMessages().getJsonObject(0).getJsonArray("content").getJsonObject(1))
          .isEqualTo(new JsonObject().put("type", "file").put("file", new JsonObject().put("filename", "c.pdf")
              .put("file_data", dataUrl)));
    }
    assertThat(get(gateway, "/v1/conversations/" + id + "/items?order=asc").json().getJsonArray("data").getJsonObject(0)
        .getJsonArray("content").getJsonObject(1)).isEqualTo(fileRef(pdfId));
    delete(gateway, "/v1/files/" + pdfId);
    assertError(gateway.as(ACME).post("/v1/responses", new JsonObject().put("model", "m").put("input", "third?")
        .put("conversation", id)), 400, "conversation", "invalid_value");
  }

  @Test
  void anUnknownDeletedOrForeignFileIs400NamingThePart() {
    String unknown = "file-" + "0".repeat(32);
    Reply missing = gateway.as(ACME).post("/v1/responses", new JsonObject().put("model", "m").put("input", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", text("read").add(fileRef(unknown))))));
    assertError(missing, 400, "input[0].content[1].file_id", "invalid_value");
    assertThat(missing.error().getString("message")).contains(unknown);
    assertThat(provider.requests()).isEmpty();

    String pdfId = uploaded(gateway, ACME, "a.pdf", "%PDF-1.4 x".getBytes(), "user_data").getString("id");
    assertError(gateway.as(GLOBEX).post("/v1/responses", new JsonObject().put("model", "m").put("input", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", text("read").add(fileRef(pdfId)))))),
        400, "input[0].content[1].file_id", "invalid_value");
    assertError(gateway.as(ACME).post("/v1/responses", new JsonObject().put("model", "m").put("input", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", text("look").add(imageRef(pdfId)))))),
        400, "input[0].content[1].file_id", "invalid_value");

    JsonObject first = turn(gateway, text("read").add(fileRef(pdfId)), null);
    assertThat(delete(gateway, "/v1/files/" + pdfId).status()).isEqualTo(200);
    assertError(gateway.as(ACME).post("/v1/responses", new JsonObject().put("model", "m").put("input", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", text("again").add(fileRef(pdfId)))))),
        400, "input[0].content[1].file_id", "invalid_value");
    // Continuing the chain that sent it fails the same way from memory (this gateway) and from the store.
    JsonObject next = new JsonObject().put("model", "m").put("input", "more").put("previous_response_id", first.getString("id"));
    assertError(gateway.as(ACME).post("/v1/responses", next), 400, "previous_response_id", "invalid_value");
    if (sharedState()) {
      assertError(replica.as(ACME).post("/v1/responses", next), 400, "previous_response_id", "invalid_value");
    }
  }

  static JsonObject list(Gateway on, String key, String query) {
    Reply reply = FileUploads.send(on, key, HttpRequest.newBuilder(on.uri("/v1/files" + query)).GET());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  static List<String> ids(JsonObject list) {
    List<String> ids = new ArrayList<>();
    for (Object o : list.getJsonArray("data", new JsonArray())) {
      ids.add(((JsonObject) o).getString("id"));
    }
    return ids;
  }
}
