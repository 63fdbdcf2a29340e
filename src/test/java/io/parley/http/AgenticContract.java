package io.parley.http;

import io.parley.testing.Chunks;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.Sse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Function tools across turns, multimodal input, reasoning, refusals and logprobs, per store backend. */
abstract class AgenticContract extends ResponsesApiHarness {

  static final JsonObject WEATHER = new JsonObject().put("type", "function").put("name", "get_weather")
      .put("description", "Weather for a city").put("strict", true)
      .put("parameters", new JsonObject().put("type", "object").put("$schema", "http://json-schema.org/draft-07/schema#")
          .put("properties", new JsonObject().put("city", new JsonObject().put("type", "string")))
          .put("required", new JsonArray().add("city")).put("additionalProperties", false));
  static final JsonObject TIME = new JsonObject().put("type", "function").put("name", "get_time")
      .put("parameters", new JsonObject().put("type", "object"));

  static JsonObject toolCall(String id, String name, String arguments) {
    return new JsonObject().put("id", id).put("type", "function")
        .put("function", new JsonObject().put("name", name).put("arguments", arguments));
  }

  void providerCalls(JsonObject... calls) {
    JsonArray list = new JsonArray(List.of((Object[]) calls));
    provider.behave((body, response) -> response.putHeader("content-type", "application/json").end(
        Chunks.completion(null, "tool_calls", Chunks.usage(20, 5, 0)).put("choices", new JsonArray().add(
            new JsonObject().put("index", 0).put("finish_reason", "tool_calls").put("message",
                new JsonObject().put("role", "assistant").put("content", null).put("tool_calls", list)))).encode()));
  }

  @Test
  void aToolLoopRebuildsTheCallAndItsOutputForTheProvider() {
    providerCalls(toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"));
    JsonObject first = create(new JsonObject().put("model", "m").put("input", "Weather in Paris?")
        .put("tools", new JsonArray().add(WEATHER)));

    JsonObject sentTool = provider.last().getJsonArray("tools").getJsonObject(0);
    assertThat(sentTool).isEqualTo(new JsonObject().put("type", "function").put("function", new JsonObject()
        .put("name", "get_weather").put("description", "Weather for a city")
        .put("parameters", WEATHER.getJsonObject("parameters")).put("strict", true)));
    JsonObject call = first.getJsonArray("output").getJsonObject(0);
    assertThat(call.getString("type")).isEqualTo("function_call");
    assertThat(call.getString("id")).startsWith("fc_");
    assertThat(call.getString("call_id")).isEqualTo("call_1");
    assertThat(call.getString("name")).isEqualTo("get_weather");
    assertThat(call.getString("arguments")).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(call.getString("status")).isEqualTo("completed");
    assertThat(first.getJsonArray("tools").getJsonObject(0)).isEqualTo(WEATHER);

    provider.replyText("It is sunny.");
    JsonObject second = create(new JsonObject().put("model", "m").put("previous_response_id", first.getString("id"))
        .put("tools", new JsonArray().add(WEATHER))
        .put("input", new JsonArray().add(new JsonObject().put("type", "function_call_output")
            .put("call_id", "call_1").put("output", "{\"sky\":\"sunny\"}"))));

    assertThat(provider.lastMessages()).isEqualTo(new JsonArray()
        .add(user("Weather in Paris?"))
        .add(new JsonObject().put("role", "assistant").put("content", null)
            .put("tool_calls", new JsonArray().add(toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"))))
        .add(new JsonObject().put("role", "tool").put("tool_call_id", "call_1").put("content", "{\"sky\":\"sunny\"}")));
    assertThat(second.getString("output_text")).isEqualTo("It is sunny.");
  }

  @Test
  void aResentCallWithItsOutputInOneInputIsAccepted() {
    JsonArray input = new JsonArray()
        .add(user("time?"))
        .add(new JsonObject().put("type", "function_call").put("id", "fc_client").put("call_id", "c9")
            .put("name", "get_time").put("arguments", "{}").put("status", "completed"))
        .add(new JsonObject().put("type", "function_call_output").put("call_id", "c9").put("output", "noon"));
    create(new JsonObject().put("model", "m").put("input", input).put("tools", new JsonArray().add(TIME)));
    assertThat(provider.lastMessages().getJsonObject(1).getJsonArray("tool_calls").getJsonObject(0).getString("id"))
        .isEqualTo("c9");
    assertThat(provider.lastMessages().getJsonObject(2).getString("role")).isEqualTo("tool");
  }

  @Test
  void aMismatchedCallIdIsRejectedWithoutAProviderCall() {
    providerCalls(toolCall("call_1", "get_weather", "{}"));
    JsonObject first = create(new JsonObject().put("model", "m").put("input", "x").put("tools", new JsonArray().add(WEATHER)));
    int calls = provider.requests().size();

    Reply reply = gateway.post("/v1/responses", new JsonObject().put("model", "m")
        .put("previous_response_id", first.getString("id"))
        .put("input", new JsonArray().add(new JsonObject().put("type", "function_call_output")
            .put("call_id", "call_wrong").put("output", "x"))));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.error().getString("param")).isEqualTo("input[0].call_id");
    assertThat(reply.error().getString("message")).contains("call_wrong");

    Reply unanswered = gateway.post("/v1/responses", new JsonObject().put("model", "m")
        .put("previous_response_id", first.getString("id")).put("input", "never mind"));
    assertThat(unanswered.status()).isEqualTo(400);
    assertThat(unanswered.error().getString("message")).contains("call_1");
    assertThat(provider.requests()).hasSize(calls);
  }

  @Test
  void parallelCallsStreamInOrderAndAreStoredAsStreamed() {
    provider.behave((body, response) -> twoParallelCalls(response));
    Sse.Stream stream = Sse.post(gateway, new JsonObject().put("model", "m").put("input", "both").put("stream", true)
        .put("tools", new JsonArray().add(WEATHER).add(TIME)));

    assertThat(stream.types()).containsExactly("response.created", "response.in_progress",
        "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
        "response.function_call_arguments.done", "response.output_item.done",
        "response.output_item.added", "response.function_call_arguments.delta",
        "response.function_call_arguments.done", "response.output_item.done", "response.completed");
    JsonObject firstDone = stream.events().get(5).data();
    assertThat(firstDone.getString("arguments")).isEqualTo("{\"city\":\"Oslo\"}");
    assertThat(firstDone.getString("name")).isEqualTo("get_weather");
    assertThat(stream.events().get(7).data().getInteger("output_index")).isEqualTo(1);

    JsonObject completed = stream.last().data().getJsonObject("response");
    JsonArray output = completed.getJsonArray("output");
    assertThat(output).hasSize(2);
    assertThat(output.getJsonObject(0).getString("id")).isEqualTo(stream.events().get(2).data().getJsonObject("item").getString("id"));
    assertThat(output.getJsonObject(1).getString("call_id")).isEqualTo("call_b");
    assertThat(gateway.get("/v1/responses/" + completed.getString("id")).json()).isEqualTo(completed);
  }

  /** A provider stream of two parallel calls, get_weather({"city":"Oslo"}) then get_time({}), in fragments, with usage. */
  static void twoParallelCalls(io.vertx.core.http.HttpServerResponse response) {
    Chunks.sse(response);
    Chunks.write(response, toolDelta(0, "call_a", "get_weather", "{\"ci"));
    Chunks.write(response, toolDelta(0, null, null, "ty\":\"Oslo\"}"));
    Chunks.write(response, toolDelta(1, "call_b", "get_time", ""));
    Chunks.write(response, toolDelta(1, null, null, "{}"));
    Chunks.write(response, Chunks.finish("tool_calls"));
    Chunks.write(response, new JsonObject().put("choices", new JsonArray()).put("usage", Chunks.usage(20, 9, 0)));
    response.end("data: [DONE]\n\n");
  }

  static JsonObject toolDelta(int index, String id, String name, String arguments) {
    JsonObject function = new JsonObject().put("arguments", arguments);
    if (name != null) {
      function.put("name", name);
    }
    JsonObject call = new JsonObject().put("index", index).put("function", function);
    if (id != null) {
      call.put("id", id).put("type", "function");
    }
    return new JsonObject().put("choices", new JsonArray().add(new JsonObject().put("index", 0)
        .put("delta", new JsonObject().put("tool_calls", new JsonArray().add(call))).put("finish_reason", null)));
  }

  @Test
  void allowedToolsNarrowWhatTheProviderSeesAndAreEnforced() {
    JsonObject choice = new JsonObject().put("type", "allowed_tools").put("mode", "required")
        .put("tools", new JsonArray().add(new JsonObject().put("type", "function").put("name", "get_time")));
    JsonObject request = new JsonObject().put("model", "m").put("input", "x")
        .put("tools", new JsonArray().add(WEATHER).add(TIME)).put("tool_choice", choice);
    providerCalls(toolCall("c1", "get_time", "{}"));
    create(request);
    assertThat(provider.last().getJsonArray("tools")).hasSize(1);
    assertThat(provider.last().getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name"))
        .isEqualTo("get_time");
    assertThat(provider.last().getString("tool_choice")).isEqualTo("required");

    providerCalls(toolCall("c2", "get_weather", "{}"));
    Reply refused = gateway.post("/v1/responses", request);
    assertThat(refused.status()).isEqualTo(502);
    assertThat(refused.error().getString("code")).isEqualTo("tool_not_allowed");
    assertThat(refused.body()).doesNotContain("\"function_call\"");
  }

  @Test
  void maxToolCallsStopsExtraCalls() {
    providerCalls(toolCall("c1", "get_time", "{}"), toolCall("c2", "get_time", "{}"), toolCall("c3", "get_time", "{}"));
    JsonObject response = create(new JsonObject().put("model", "m").put("input", "x").put("max_tool_calls", 1)
        .put("tools", new JsonArray().add(TIME)));
    assertThat(response.getJsonArray("output")).hasSize(1);
    assertThat(response.getString("status")).isEqualTo("incomplete");
    assertThat(response.getJsonObject("incomplete_details").getString("reason")).isEqualTo("max_tool_calls");
    assertThat(response.getInteger("max_tool_calls")).isEqualTo(1);
  }

  @Test
  void imagesAndFilesReachTheProviderAndAreRebuiltUnchanged() {
    String image = "data:image/png;base64,iVBORw0KGgo=";
    JsonArray content = new JsonArray()
        .add(new JsonObject().put("type", "input_text").put("text", "what is this?"))
        .add(new JsonObject().put("type", "input_image").put("image_url", image).put("detail", "low"))
        .add(new JsonObject().put("type", "input_file").put("filename", "a.pdf").put("file_data", "data:application/pdf;base64,JVBERi0="));
    JsonObject first = create(new JsonObject().put("model", "m")
        .put("input", new JsonArray().add(new JsonObject().put("role", "user").put("content", content))));
    JsonArray sent = provider.lastMessages().getJsonObject(0).getJsonArray("content");
    assertThat(sent).isEqualTo(new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", "what is this?"))
        .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", image).put("detail", "low")))
        .add(new JsonObject().put("type", "file").put("file", new JsonObject().put("filename", "a.pdf")
            .put("file_data", "data:application/pdf;base64,JVBERi0="))));
    String firstBytes = provider.requests().get(provider.requests().size() - 1).raw().toString();
    String firstMessage = firstBytes.substring(firstBytes.indexOf("[{"), firstBytes.indexOf("}]}") + 3);

    turn("and now?", first.getString("id"), "ok");
    assertThat(provider.requests().get(provider.requests().size() - 1).raw().toString()).contains(firstMessage);

    Reply badImage = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "input_image").put("image_url", "file:///etc/passwd"))))));
    assertThat(badImage.status()).isEqualTo(400);
    assertThat(badImage.error().getString("param")).isEqualTo("input[0].content[0].image_url");
  }

  @Test
  void reasoningIsStreamedAsItsOwnItemAndNotSentBack() {
    provider.behave((body, response) -> reasoningThenAnswer(response));
    Sse.Stream stream = Sse.post(gateway, new JsonObject().put("model", "m").put("input", "q").put("stream", true)
        .put("reasoning", new JsonObject().put("effort", "low")));
    assertThat(provider.last().getString("reasoning_effort")).isEqualTo("low");
    assertThat(stream.types()).containsSubsequence("response.output_item.added", "response.reasoning_text.delta",
        "response.reasoning_text.delta", "response.reasoning_text.done", "response.output_item.done",
        "response.output_item.added", "response.content_part.added", "response.output_text.delta");
    JsonObject completed = stream.last().data().getJsonObject("response");
    JsonObject reasoning = completed.getJsonArray("output").getJsonObject(0);
    assertThat(reasoning.getString("type")).isEqualTo("reasoning");
    assertThat(reasoning.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("Let me think.");
    assertThat(completed.getString("output_text")).isEqualTo("Answer.");
    assertThat(completed.getJsonObject("usage").getJsonObject("output_tokens_details").getInteger("reasoning_tokens")).isEqualTo(4);

    turn("next", completed.getString("id"), "fine");
    assertThat(provider.lastMessages()).isEqualTo(new JsonArray().add(user("q")).add(assistant("Answer.")).add(user("next")));
  }

  /** A provider stream: reasoning "Let me think.", then the answer "Answer.", with usage (4 reasoning tokens). */
  static void reasoningThenAnswer(io.vertx.core.http.HttpServerResponse response) {
    Chunks.sse(response);
    Chunks.write(response, reasoningDelta("Let me "));
    Chunks.write(response, reasoningDelta("think."));
    Chunks.write(response, Chunks.delta("Answer."));
    Chunks.write(response, Chunks.finish("stop"));
    Chunks.write(response, new JsonObject().put("choices", new JsonArray()).put("usage", Chunks.usage(5, 9, 0)
        .put("completion_tokens_details", new JsonObject().put("reasoning_tokens", 4))));
    response.end("data: [DONE]\n\n");
  }

  static JsonObject reasoningDelta(String text) {
    return new JsonObject().put("choices", new JsonArray().add(new JsonObject().put("index", 0)
        .put("delta", new JsonObject().put("reasoning_content", text)).put("finish_reason", null)));
  }

  @Test
  void nonStreamReasoningRefusalAndLogprobsAreMapped() {
    JsonArray logprobs = new JsonArray().add(new JsonObject().put("token", "No").put("logprob", -0.1)
        .put("bytes", new JsonArray().add(78).add(111)).put("top_logprobs", new JsonArray()));
    provider.behave((body, response) -> response.putHeader("content-type", "application/json").end(
        new JsonObject().put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "stop")
            .put("logprobs", new JsonObject().put("content", logprobs))
            .put("message", new JsonObject().put("role", "assistant").put("content", "No").put("reasoning", "hmm")
                .put("refusal", "I can't help with that.")))).encode()));
    JsonObject response = create(new JsonObject().put("model", "m").put("input", "x").put("top_logprobs", 2)
        .put("include", new JsonArray().add("message.output_text.logprobs")));
    assertThat(provider.last().getBoolean("logprobs")).isTrue();
    assertThat(provider.last().getInteger("top_logprobs")).isEqualTo(2);
    JsonArray output = response.getJsonArray("output");
    assertThat(output.getJsonObject(0).getString("type")).isEqualTo("reasoning");
    JsonArray parts = output.getJsonObject(1).getJsonArray("content");
    assertThat(parts.getJsonObject(0).getJsonArray("logprobs")).isEqualTo(logprobs);
    assertThat(parts.getJsonObject(1)).isEqualTo(new JsonObject().put("type", "refusal").put("refusal", "I can't help with that."));
  }

  @Test
  void toolSettingsAreValidated() {
    JsonObject base = new JsonObject().put("model", "m").put("input", "x");
    assertThat(gateway.post("/v1/responses", base.copy().put("tools", new JsonArray()
        .add(new JsonObject().put("type", "web_search")))).error().getString("param")).isEqualTo("tools[0].type");
    assertThat(gateway.post("/v1/responses", base.copy().put("tools", new JsonArray().add(TIME))
        .put("tool_choice", new JsonObject().put("type", "function").put("name", "nope"))).error().getString("param"))
        .isEqualTo("tool_choice.name");
    providerCalls(toolCall("c", "get_time", "{}"));
    create(base.copy().put("tools", new JsonArray().add(TIME))
        .put("tool_choice", new JsonObject().put("type", "function").put("name", "get_time")));
    assertThat(provider.last().getJsonObject("tool_choice")).isEqualTo(new JsonObject().put("type", "function")
        .put("function", new JsonObject().put("name", "get_time")));
  }

  @Test
  void itemReferencesResolveToStoredItemsWithoutAPreviousResponseId() {
    JsonObject earlier = turn("What is 2+2?", null, "It is 4.");
    String answerId = earlier.getJsonArray("output").getJsonObject(0).getString("id");
    String questionId = gateway.get("/v1/responses/" + earlier.getString("id") + "/input_items").json()
        .getJsonArray("data").getJsonObject(0).getString("id");
    provider.replyText("And 8.");
    create(new JsonObject().put("model", "m").put("input", new JsonArray()
        .add(new JsonObject().put("type", "item_reference").put("id", questionId))
        .add(new JsonObject().put("type", "item_reference").put("id", answerId))
        .add(user("And doubled?"))));
    assertThat(provider.lastMessages()).isEqualTo(new JsonArray()
        .add(user("What is 2+2?")).add(assistant("It is 4.")).add(user("And doubled?")));

    int calls = provider.requests().size();
    Reply missing = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", new JsonArray()
        .add(user("x")).add(new JsonObject().put("type", "item_reference").put("id", "msg_nope"))));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.error().getString("param")).isEqualTo("input[1].id");
    assertThat(provider.requests()).hasSize(calls);
  }
}
