package io.parley.http;

import io.parley.testing.Chunks;
import io.parley.testing.OpenResponsesSchemas;
import io.parley.testing.Sse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static io.parley.http.AgenticContract.TIME;
import static io.parley.http.AgenticContract.WEATHER;
import static io.parley.http.AgenticContract.reasoningDelta;
import static io.parley.http.AgenticContract.toolCall;
import static io.parley.http.AgenticContract.toolDelta;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Parley actually sends, checked against the Open Responses schemas: every non-stream response
 * object (created and retrieved) against {@code ResponseResource}, and every streamed event against the
 * {@code *StreamingEvent} schema of its type. A field, enum value or event the schemas do not allow
 * fails the build, so drift from the spec is caught where it happens.
 */
class OpenResponsesSchemaTest extends ResponsesApiHarness {

  private static final OpenResponsesSchemas SCHEMAS = new OpenResponsesSchemas();

  private final List<String> violations = new ArrayList<>();

  @Override
  Map<String, String> storeSettings() {
    return Map.of();
  }

  @BeforeEach
  void clearViolations() {
    violations.clear();
  }

  @Test
  void aTextAnswerAndItsRetrievalConform() {
    JsonObject answer = turn("Say hello.", null, "Hello there.");
    checkResponse("text answer", answer);
    checkRetrieved("text answer", answer);
    assertConforms();
  }

  @Test
  void aToolCallAnswerAndTheTurnThatAnswersItConform() {
    provider.behave((body, response) -> response.putHeader("content-type", "application/json").end(
        Chunks.completion(null, "tool_calls", Chunks.usage(20, 5, 0)).put("choices", new JsonArray().add(
            new JsonObject().put("index", 0).put("finish_reason", "tool_calls").put("message", new JsonObject()
                .put("role", "assistant").put("content", null).put("tool_calls", new JsonArray()
                    .add(toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"))
                    .add(toolCall("call_2", "get_time", "{}")))))).encode()));
    JsonObject call = create(new JsonObject().put("model", "m").put("input", "Weather and time in Paris?")
        .put("tools", new JsonArray().add(WEATHER).add(TIME)));
    assertThat(call.getJsonArray("output").getJsonObject(0).getString("type")).isEqualTo("function_call");
    checkResponse("tool call answer", call);
    checkRetrieved("tool call answer", call);

    provider.replyText("Sunny, and it is noon.");
    JsonObject answered = create(new JsonObject().put("model", "m").put("previous_response_id", call.getString("id"))
        .put("tools", new JsonArray().add(WEATHER).add(TIME)).put("input", new JsonArray()
            .add(new JsonObject().put("type", "function_call_output").put("call_id", "call_1").put("output", "sunny"))
            .add(new JsonObject().put("type", "function_call_output").put("call_id", "call_2").put("output", "noon"))));
    checkResponse("tool output turn", answered);
    checkRetrieved("tool output turn", answered);
    assertConforms();
  }

  @Test
  void aReasoningAndRefusalAnswerConforms() {
    JsonArray logprobs = new JsonArray().add(new JsonObject().put("token", "No").put("logprob", -0.1)
        .put("bytes", new JsonArray().add(78).add(111)).put("top_logprobs", new JsonArray()
            .add(new JsonObject().put("token", "No").put("logprob", -0.1).put("bytes", new JsonArray().add(78).add(111)))));
    provider.behave((body, response) -> response.putHeader("content-type", "application/json").end(
        Chunks.completion(null, "stop", Chunks.usage(9, 4, 0)).put("choices", new JsonArray().add(new JsonObject()
            .put("index", 0).put("finish_reason", "stop").put("logprobs", new JsonObject().put("content", logprobs))
            .put("message", new JsonObject().put("role", "assistant").put("content", "No").put("reasoning", "hmm")
                .put("refusal", "I can't help with that.")))).encode()));
    JsonObject answer = create(new JsonObject().put("model", "m").put("input", "x").put("top_logprobs", 1)
        .put("reasoning", new JsonObject().put("effort", "low"))
        .put("include", new JsonArray().add("message.output_text.logprobs")));
    assertThat(answer.getJsonArray("output").getJsonObject(0).getString("type")).isEqualTo("reasoning");
    checkResponse("reasoning+refusal answer", answer);
    checkRetrieved("reasoning+refusal answer", answer);
    assertConforms();
  }

  @Test
  void aToolCallStreamConforms() {
    provider.behave((body, response) -> AgenticContract.twoParallelCalls(response));
    Sse.Stream stream = stream(new JsonObject().put("input", "both").put("tools", new JsonArray().add(WEATHER).add(TIME)));
    assertThat(stream.types()).contains("response.function_call_arguments.done");
    checkStream("tool call stream", stream);
    assertConforms();
  }

  @Test
  void aReasoningAndTextStreamConforms() {
    provider.behave((body, response) -> AgenticContract.reasoningThenAnswer(response));
    Sse.Stream stream = stream(new JsonObject().put("input", "q").put("reasoning", new JsonObject().put("effort", "low")));
    assertThat(stream.types()).contains("response.reasoning_text.delta", "response.output_text.delta");
    checkStream("reasoning+text stream", stream);
    assertConforms();
  }

  @Test
  void aPlainTextStreamConforms() {
    provider.replyText("A plain streamed answer.");
    Sse.Stream stream = stream(new JsonObject().put("input", "hi").put("instructions", "Be brief."));
    assertThat(stream.last().type()).isEqualTo("response.completed");
    checkStream("text stream", stream);
    assertConforms();
  }

  @Test
  void aRefusalStreamConforms() {
    provider.behave((body, response) -> {
      Chunks.sse(response);
      Chunks.write(response, refusalDelta("I can't "));
      Chunks.write(response, refusalDelta("help with that."));
      Chunks.write(response, Chunks.finish("stop"));
      response.end("data: [DONE]\n\n");
    });
    Sse.Stream stream = stream(new JsonObject().put("input", "something bad"));
    assertThat(stream.types()).contains("response.refusal.delta", "response.refusal.done");
    checkStream("refusal stream", stream);
    assertConforms();
  }

  @Test
  void aCutShortStreamConforms() {
    provider.behave((body, response) -> {
      Chunks.sse(response);
      Chunks.write(response, Chunks.delta("This answer is cut"));
      Chunks.write(response, Chunks.finish("length"));
      response.end("data: [DONE]\n\n");
    });
    Sse.Stream stream = stream(new JsonObject().put("input", "long").put("max_output_tokens", 16));
    assertThat(stream.last().type()).isEqualTo("response.incomplete");
    checkStream("incomplete stream", stream);
    assertConforms();
  }

  @Test
  void aStreamThatFailsMidwayConforms() {
    provider.behave((body, response) -> {
      Chunks.sse(response);
      Chunks.write(response, Chunks.delta("partial "));
      Chunks.write(response, new JsonObject().put("error", new JsonObject().put("message", "overloaded")));
      response.end();
    });
    Sse.Stream stream = stream(new JsonObject().put("input", "x"));
    assertThat(stream.last().type()).isEqualTo("response.failed");
    checkStream("failed stream", stream);
    assertConforms();
  }

  @Test
  void theSchemasRejectWhatTheSpecForbids() {
    JsonObject answer = turn("hi", null, "hello");
    answer.remove("tools");
    assertThat(SCHEMAS.violations("ResponseResource", answer, "no tools")).anyMatch(v -> v.contains("tools"));
    JsonObject delta = new JsonObject().put("type", "response.reasoning_text.delta").put("sequence_number", 3)
        .put("output_index", 0).put("content_index", 0).put("delta", "x");
    assertThat(SCHEMAS.eventViolations(delta, "no item_id")).anyMatch(v -> v.contains("item_id"));
    assertThat(SCHEMAS.eventSchema("response.made_up.delta")).isNull();
  }

  static JsonObject refusalDelta(String text) {
    return new JsonObject().put("choices", new JsonArray().add(new JsonObject().put("index", 0)
        .put("delta", new JsonObject().put("refusal", text)).put("finish_reason", null)));
  }

  private Sse.Stream stream(JsonObject body) {
    Sse.Stream stream = Sse.post(gateway, body.put("model", "m").put("stream", true));
    assertThat(stream.status()).as(stream.rawBody()).isEqualTo(200);
    assertThat(stream.events()).isNotEmpty();
    return stream;
  }

  private void checkResponse(String where, JsonObject response) {
    violations.addAll(SCHEMAS.violations("ResponseResource", response, where));
  }

  private void checkRetrieved(String where, JsonObject created) {
    JsonObject retrieved = gateway.get("/v1/responses/" + created.getString("id")).json();
    checkResponse(where + " (retrieved)", retrieved);
  }

  private void checkStream(String label, Sse.Stream stream) {
    if (!stream.done()) {
      violations.add(label + ": the stream did not end with data: [DONE]");
    }
    List<Sse.Event> events = stream.events();
    for (int i = 0; i < events.size(); i++) {
      Sse.Event event = events.get(i);
      String type = event.type();
      String where = label + " #" + i + " " + type;
      if (!Objects.equals(event.name(), type)) {
        violations.add(where + ": event name '" + event.name() + "' is not the payload type '" + type + "'");
      }
      String schema = type == null ? null : SCHEMAS.eventSchema(type);
      if (schema == null) {
        violations.add(where + ": no Open Responses streaming event schema has this type\n    offending: "
            + event.data().encode());
      } else {
        violations.addAll(SCHEMAS.eventViolations(event.data(), where));
      }
    }
  }

  private void assertConforms() {
    assertThat(violations)
        .as("%d Open Responses schema violation(s):%n%s", violations.size(), String.join("\n", violations))
        .isEmpty();
  }
}
