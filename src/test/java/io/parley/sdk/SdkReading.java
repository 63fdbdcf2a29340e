package io.parley.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.ObjectMappers;
import com.openai.errors.BadRequestException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseStreamEvent;
import io.vertx.core.json.JsonObject;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** How the SDK tests read what the official Java SDK parsed, and the provider messages they expect. */
final class SdkReading {

  private SdkReading() {
  }

  /** The assistant text as the SDK's typed output exposes it (the Java {@code Response} has no output_text). */
  static String text(Response response) {
    return response.output().stream().flatMap(item -> item.message().stream())
        .flatMap(message -> message.content().stream()).flatMap(part -> part.outputText().stream())
        .map(part -> part.text()).collect(Collectors.joining());
  }

  /** An event as the SDK would serialize it back, to read the fields every event type shares. */
  static JsonNode json(ResponseStreamEvent event) {
    return ObjectMappers.jsonMapper().valueToTree(event);
  }

  static ResponseInputItem easy(EasyInputMessage.Role role, String text) {
    return ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(role).content(text).build());
  }

  static <T extends OpenAIServiceException> T thrown(Class<T> type, ThrowingCallable call) {
    T e = catchThrowableOfType(type, call);
    assertThat(e).as("expected %s", type.getSimpleName()).isNotNull();
    return e;
  }

  /** The SDK exposes the error body's {@code type}, {@code code} and {@code param} as Optionals. */
  static void assertPreviousNotFound(ThrowingCallable call) {
    BadRequestException e = thrown(BadRequestException.class, call);
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.type()).contains("invalid_request_error");
    assertThat(e.code()).contains("previous_response_not_found");
    assertThat(e.param()).contains("previous_response_id");
  }

  static JsonObject user(String text) {
    return new JsonObject().put("role", "user").put("content", text);
  }

  static JsonObject assistant(String text) {
    return new JsonObject().put("role", "assistant").put("content", text);
  }

  static JsonObject system(String text) {
    return new JsonObject().put("role", "system").put("content", text);
  }
}
