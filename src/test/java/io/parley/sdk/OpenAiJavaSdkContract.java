package io.parley.sdk;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseInputMessageItem;
import com.openai.models.responses.ResponseItem;
import com.openai.models.responses.ResponseOutputMessage;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseTextDeltaEvent;
import com.openai.models.responses.ResponseUsage;
import io.parley.testing.Gateway;
import io.parley.testing.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.parley.sdk.SdkReading.assertPreviousNotFound;
import static io.parley.sdk.SdkReading.assistant;
import static io.parley.sdk.SdkReading.easy;
import static io.parley.sdk.SdkReading.json;
import static io.parley.sdk.SdkReading.system;
import static io.parley.sdk.SdkReading.text;
import static io.parley.sdk.SdkReading.thrown;
import static io.parley.sdk.SdkReading.user;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a real client sees: the official OpenAI Java SDK, with strict response validation, driving the
 * gateway in front of a recording provider. Every case checks both what the SDK parsed and what reached
 * the provider. Runs once per store backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OpenAiJavaSdkContract {

  private static final String PROVIDER_400 =
      "{\"error\":{\"message\":\"bad thing\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"x\"}}";

  Vertx providerVertx;
  RecordingUpstream provider;
  Gateway gateway;
  OpenAIClient client;

  /** {@code PARLEY_*} settings that select the store under test. */
  abstract Map<String, String> storeSettings();

  @BeforeAll
  void startAll() {
    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
    Map<String, String> settings = new HashMap<>(storeSettings());
    settings.put("PARLEY_UPSTREAM_URL", provider.baseUrl());
    gateway = Gateway.start(settings);
    // responseValidation: the SDK checks every field of every body it parses, not only the ones read here.
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

  @BeforeEach
  void resetProvider() {
    provider.reset();
  }

  @Test
  void createReturnsTheProvidersTextAndUsage() {
    provider.replyText("hi from the provider");
    Response response = client.responses().create(ask("hello").build());

    assertThat(provider.requests()).hasSize(1);
    assertThat(provider.last().getString("model")).isEqualTo("test-model");
    assertThat(provider.lastMessages()).isEqualTo(new JsonArray().add(user("hello")));

    assertThat(response.id()).startsWith("resp_");
    assertThat(response.status()).contains(ResponseStatus.COMPLETED);
    assertThat(response.model().asString()).isEqualTo("test-model");
    assertThat(text(response)).isEqualTo("hi from the provider");
    ResponseOutputMessage message = response.output().get(0).asMessage();
    assertThat(message.id()).startsWith("msg_");
    assertThat(message.status()).isEqualTo(ResponseOutputMessage.Status.COMPLETED);
    assertThat(message.content().get(0).asOutputText().annotations()).isEmpty();

    ResponseUsage usage = response.usage().orElseThrow();
    assertThat(usage.inputTokens()).isEqualTo(11);
    assertThat(usage.outputTokens()).isEqualTo(7);
    assertThat(usage.totalTokens()).isEqualTo(18);
    assertThat(usage.inputTokensDetails().cachedTokens()).isEqualTo(3);
    assertThat(usage.inputTokensDetails().cacheWriteTokens()).isZero();
    assertThat(usage.outputTokensDetails().reasoningTokens()).isZero();
  }

  @Test
  void threeTurnChainSendsTheWholeHistoryInOrder() {
    Response t1 = turn("one", null, "first answer");
    Response t2 = turn("two", t1.id(), "second answer");
    Response t3 = turn("three", t2.id(), "third answer");

    assertThat(provider.lastMessages()).isEqualTo(new JsonArray()
        .add(user("one")).add(assistant("first answer"))
        .add(user("two")).add(assistant("second answer"))
        .add(user("three")));
    assertThat(t2.previousResponseId()).contains(t1.id());
    assertThat(t3.previousResponseId()).contains(t2.id());
    assertThat(text(t3)).isEqualTo("third answer");
  }

  @Test
  void instructionsApplyToTheirOwnTurnOnly() {
    provider.replyText("ok");
    Response t1 = client.responses().create(ask("hi").instructions("Be terse.").build());
    assertThat(provider.lastMessages()).isEqualTo(new JsonArray().add(system("Be terse.")).add(user("hi")));
    assertThat(t1.instructions().orElseThrow().asString()).isEqualTo("Be terse.");

    Response t2 = turn("again", t1.id(), "ok2");
    assertThat(provider.lastMessages()).isEqualTo(new JsonArray()
        .add(user("hi")).add(assistant("ok")).add(user("again")));
    assertThat(t2.instructions()).isEmpty();
  }

  @Test
  void streamingEventsAllParseAndTheCompletedResponseCanBeContinued() {
    provider.replyText("streamed words here");
    List<ResponseStreamEvent> events;
    try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ask("go").build())) {
      events = stream.stream().toList();
    }
    assertThat(provider.last().getBoolean("stream")).isTrue();

    assertThat(events).isNotEmpty();
    for (int i = 0; i < events.size(); i++) {
      ResponseStreamEvent event = events.get(i);
      event.validate(); // an event type or field the SDK does not know would throw here
      assertThat(json(event).path("sequence_number").asLong(-1)).as("sequence_number of event %d", i).isEqualTo(i);
    }
    assertThat(events.get(0).isCreated()).isTrue();
    ResponseStreamEvent last = events.get(events.size() - 1);
    assertThat(last.isCompleted()).as("last event is response.completed: %s", json(last).path("type")).isTrue();

    String deltas = events.stream().flatMap(e -> e.outputTextDelta().stream())
        .map(ResponseTextDeltaEvent::delta).collect(Collectors.joining());
    assertThat(deltas).isEqualTo("streamed words here");
    assertThat(events.stream().flatMap(e -> e.outputTextDone().stream()).map(d -> d.text()).toList())
        .containsExactly("streamed words here");

    Response completed = last.asCompleted().response();
    assertThat(completed.id()).isEqualTo(events.get(0).asCreated().response().id());
    assertThat(completed.status()).contains(ResponseStatus.COMPLETED);
    assertThat(text(completed)).isEqualTo("streamed words here");
    assertThat(completed.usage().orElseThrow().inputTokensDetails().cachedTokens()).isEqualTo(3);

    Response retrieved = client.responses().retrieve(completed.id());
    assertThat(retrieved.id()).isEqualTo(completed.id());
    assertThat(text(retrieved)).isEqualTo("streamed words here");

    turn("next", completed.id(), "after stream");
    assertThat(provider.lastMessages()).isEqualTo(new JsonArray()
        .add(user("go")).add(assistant("streamed words here")).add(user("next")));
  }

  @Test
  void retrieveEqualsCreatedAndInputItemsListTheTurnsInput() {
    Response first = turn("earlier", null, "earlier answer");
    provider.replyText("kept");
    List<ResponseInputItem> input = List.of(easy(EasyInputMessage.Role.DEVELOPER, "Rules."),
        easy(EasyInputMessage.Role.USER, "keep me"));
    Response created = client.responses().create(ResponseCreateParams.builder().model("test-model")
        .inputOfResponse(input).previousResponseId(first.id()).build());
    assertThat(provider.lastMessages()).isEqualTo(new JsonArray().add(user("earlier")).add(assistant("earlier answer"))
        .add(system("Rules.")).add(user("keep me")));

    Response retrieved = client.responses().retrieve(created.id());
    assertThat(retrieved.id()).isEqualTo(created.id());
    assertThat(text(retrieved)).isEqualTo("kept");
    assertThat(retrieved).isEqualTo(created);

    List<ResponseItem> items = client.responses().inputItems().list(created.id()).data();
    // Newest first by default; only this turn's own input, not the earlier turn's.
    assertThat(items).hasSize(2);
    List<ResponseInputMessageItem> messages = items.stream().map(ResponseItem::asResponseInputMessageItem).toList();
    assertThat(messages).extracting(m -> m.role()).containsExactly(ResponseInputMessageItem.Role.USER,
        ResponseInputMessageItem.Role.DEVELOPER);
    assertThat(messages).extracting(m -> m.content().get(0).asInputText().text()).containsExactly("keep me", "Rules.");
    assertThat(messages).allSatisfy(m -> assertThat(m.id()).isNotBlank());
  }

  @Test
  void storeFalseIsNeitherRetrievableNorContinuable() {
    Response response = client.responses().create(ask("secret").store(false).build());
    assertThat(response._additionalProperties().get("store").asBoolean()).contains(false);

    NotFoundException notFound = thrown(NotFoundException.class, () -> client.responses().retrieve(response.id()));
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(notFound.code()).contains("not_found");

    int calls = provider.requests().size();
    assertPreviousNotFound(() -> client.responses().create(ask("more").previousResponseId(response.id()).build()));
    assertThat(provider.requests()).hasSize(calls);
  }

  @Test
  void deletedResponsesCannotBeRetrievedOrContinued() {
    Response response = turn("to delete", null, "bye");
    client.responses().delete(response.id());

    NotFoundException notFound = thrown(NotFoundException.class, () -> client.responses().retrieve(response.id()));
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(thrown(NotFoundException.class, () -> client.responses().delete(response.id())).statusCode())
        .isEqualTo(404);

    int calls = provider.requests().size();
    assertPreviousNotFound(() -> client.responses().create(ask("x").previousResponseId(response.id()).build()));
    assertThat(provider.requests()).hasSize(calls);
  }

  @Test
  void aProvider400IsABadRequestWithTheProvidersMessage() {
    provider.replyStatus(400, PROVIDER_400);
    BadRequestException e = thrown(BadRequestException.class, () -> client.responses().create(ask("x").build()));
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.getMessage()).contains("bad thing");
    assertThat(e.type()).contains("invalid_request_error");
    assertThat(e.code()).contains("x");
    assertThat(provider.requests()).hasSize(1);
  }

  @Test
  void aProvider400BeforeAStreamStartsIsABadRequestToo() {
    provider.replyStatus(400, PROVIDER_400);
    BadRequestException e = thrown(BadRequestException.class, () -> {
      try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ask("x").build())) {
        stream.stream().forEach(event -> { });
      }
    });
    assertThat(e.getMessage()).contains("bad thing");
    assertThat(provider.last().getBoolean("stream")).isTrue();
  }

  @Test
  void aProvider500IsABadGateway() {
    provider.replyStatus(500, "{\"error\":{\"message\":\"provider exploded\",\"type\":\"server_error\"}}");
    InternalServerException e = thrown(InternalServerException.class,
        () -> client.responses().create(ask("x").build()));
    assertThat(e.statusCode()).isEqualTo(502);
    assertThat(e.getMessage()).contains("provider exploded");
    assertThat(e.code()).contains("upstream_error");
    assertThat(provider.requests()).hasSize(1);
  }

  // ---- helpers

  private static ResponseCreateParams.Builder ask(String input) {
    return ResponseCreateParams.builder().model("test-model").input(input);
  }

  private Response turn(String input, String previousId, String providerAnswer) {
    provider.replyText(providerAnswer);
    ResponseCreateParams.Builder params = ask(input);
    if (previousId != null) {
      params.previousResponseId(previousId);
    }
    return client.responses().create(params.build());
  }
}
