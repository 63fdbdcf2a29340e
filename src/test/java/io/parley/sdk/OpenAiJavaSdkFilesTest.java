package io.parley.sdk;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileDeleted;
import com.openai.models.files.FileListParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputContent;
import com.openai.models.responses.ResponseInputFile;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseInputText;
import io.parley.testing.Documents;
import io.parley.testing.Gateway;
import io.parley.testing.RecordingUpstream;
import io.parley.testing.RedisSupport;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.parley.sdk.SdkReading.thrown;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official OpenAI Java SDK, with strict response validation, uploading a file to Parley and naming it in a
 * response's input; the provider behind Parley receives the file, then (for a model sent documents as text) its text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiJavaSdkFilesTest {

  Vertx providerVertx;
  RecordingUpstream provider;
  Gateway gateway;
  OpenAIClient client;

  @BeforeAll
  void startAll() {
    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
    gateway = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(), "PARLEY_REDIS_URL", RedisSupport.url(),
        "PARLEY_FILE_INPUTS", "reader=text"));
    client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("sk-test").maxRetries(0)
        .responseValidation(true).build();
  }

  @AfterAll
  void stopAll() {
    client.close();
    gateway.close();
    provider.close();
    providerVertx.close().await();
  }

  @Test
  void anUploadedPdfIsNamedByIdInAResponseAcrossTurns() throws Exception {
    byte[] pdf = Documents.pdf("The launch code is 4711");
    Path local = Files.createTempDirectory("sdk-upload").resolve("brief.pdf");
    Files.write(local, pdf);
    FileObject file = client.files().create(FileCreateParams.builder().file(local).purpose(FilePurpose.USER_DATA)
        .expiresAfter(FileCreateParams.ExpiresAfter.builder().seconds(7200).build()).build());
    assertThat(file.filename()).isEqualTo("brief.pdf");
    assertThat(file.bytes()).isEqualTo(pdf.length);
    assertThat(file.purpose()).isEqualTo(FileObject.Purpose.USER_DATA);
    assertThat(file.expiresAt()).contains(file.createdAt() + 7200);
    assertThat(client.files().retrieve(file.id()).id()).isEqualTo(file.id());
    assertThat(client.files().list(FileListParams.builder().purpose("user_data").limit(5).build()).data())
        .extracting(FileObject::id).contains(file.id());
    try (HttpResponse content = client.files().content(file.id())) {
      assertThat(content.body().readAllBytes()).isEqualTo(pdf);
    }

    Response first = client.responses().create(ResponseCreateParams.builder().model("m").inputOfResponse(List.of(
        ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
            .contentOfResponseInputMessageContentList(List.of(
                ResponseInputContent.ofInputText(ResponseInputText.builder().text("What is the code?").build()),
                ResponseInputContent.ofInputFile(ResponseInputFile.builder().fileId(file.id()).build())))
            .build()))).build());
    JsonObject sent = provider.lastMessages().getJsonObject(0).getJsonArray("content").getJsonObject(1);
    assertThat(sent).isEqualTo(new JsonObject().put("type", "file").put("file", new JsonObject().put("filename", "brief.pdf")
        .put("file_data", "data:application/pdf;base64," + Base64.getEncoder().encodeToString(pdf))));

    client.responses().create(ResponseCreateParams.builder().model("reader").input("And now?")
        .previousResponseId(first.id()).build());
    JsonArray asText = provider.lastMessages().getJsonObject(0).getJsonArray("content");
    assertThat(asText.getJsonObject(1).getString("text")).startsWith("[file: brief.pdf]\n").contains("The launch code is 4711");

    FileDeleted deleted = client.files().delete(file.id());
    assertThat(deleted.deleted()).isTrue();
    thrown(NotFoundException.class, () -> client.files().retrieve(file.id()));
    BadRequestException gone = thrown(BadRequestException.class, () -> client.responses().create(ResponseCreateParams
        .builder().model("m").input("Still there?").previousResponseId(first.id()).build()));
    assertThat(gone.param()).contains("previous_response_id");
  }
}
