package io.parley.bench;

import io.parley.protocol.ChatCompletionMapper;
import io.parley.protocol.CreateRequest;
import io.parley.protocol.Ids;
import io.parley.protocol.ModelOutput;
import io.parley.protocol.OutputPolicy;
import io.parley.protocol.RequestParser;
import io.parley.protocol.ResponseObject;
import io.parley.state.StoredResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** The same shapes the load harness (bench/run.sh) sends and the fake provider answers. */
final class Fixtures {

  static final String INPUT = "Please summarise the main trade-offs of keeping conversation state in a gateway, "
      + "in three sentences.";

  static final String ANSWER = "Sure. Here is a short answer to your question, with enough words to look like a real "
      + "reply from a model: the gateway keeps the conversation, rebuilds the context for each turn, and relays "
      + "the answer of the provider.";

  private Fixtures() {
  }

  static CreateRequest request(boolean stream) {
    JsonObject body = new JsonObject().put("model", "bench-model").put("input", INPUT);
    if (stream) {
      body.put("stream", true);
    }
    return RequestParser.parse(body);
  }

  static JsonObject completion() {
    JsonObject message = new JsonObject().put("role", "assistant").put("content", ANSWER).putNull("refusal");
    return new JsonObject()
        .put("id", "chatcmpl-bench").put("object", "chat.completion").put("created", 1700000000L).put("model", "bench-model")
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", message)
            .putNull("logprobs").put("finish_reason", "stop")))
        .put("usage", new JsonObject().put("prompt_tokens", 120).put("completion_tokens", 48).put("total_tokens", 168));
  }

  static JsonObject contentChunk(String text) {
    return chunk(new JsonObject().put("content", text), null);
  }

  static JsonObject chunk(JsonObject delta, String finishReason) {
    return new JsonObject()
        .put("id", "chatcmpl-bench").put("object", "chat.completion.chunk").put("created", 1700000000L)
        .put("model", "bench-model")
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta)
            .putNull("logprobs").put("finish_reason", finishReason)));
  }

  /** One finished turn as the store keeps it; {@code ancestors} earlier turns in its chain. */
  static StoredResponse turn(int ancestors) {
    CreateRequest request = request(false);
    String id = Ids.newResponseId(null);
    JsonObject response = ResponseObject.inProgress(request, id, 1700000000L);
    ModelOutput output = ChatCompletionMapper.fromCompletion(completion(), OutputPolicy.of(request.raw()));
    ResponseObject.finish(response, output, 1700000001L);
    List<String> lineage = new ArrayList<>();
    for (int i = 0; i < ancestors; i++) {
      lineage.add(Ids.newResponseId(id));
    }
    return new StoredResponse(id, ancestors == 0 ? null : lineage.get(ancestors - 1), lineage, request.input(), response);
  }

  /** What a continued turn sends to the provider: each earlier turn's input items, then its output items. */
  static List<JsonArray> history(int turns) {
    List<JsonArray> history = new ArrayList<>(turns * 2);
    for (int i = 0; i < turns; i++) {
      StoredResponse turn = turn(0);
      history.add(turn.input());
      history.add(turn.output());
    }
    return history;
  }
}
