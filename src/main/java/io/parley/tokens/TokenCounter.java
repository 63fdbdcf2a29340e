package io.parley.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import io.parley.protocol.ChatPrefix;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * Counts the tokens of a Chat Completions request with a real BPE tokenizer (jtokkit), the way OpenAI
 * documents it for chat: 3 tokens of framing per message plus its role and content, and 3 to prime the
 * reply; tool definitions are counted as their JSON. The encoding follows the model family
 * ({@code o200k_base} for GPT-4o and later, {@code cl100k_base} for GPT-4 and GPT-3.5); for models with
 * other tokenizers (Llama, Qwen, Mistral...) {@code o200k_base} is used and the count is an estimate.
 * CPU-bound: call it off the event loop for large inputs.
 */
public final class TokenCounter {

  private static final int PER_MESSAGE = 3;
  private static final int REPLY_PRIMING = 3;
  /** What OpenAI charges for a low-detail image; higher details cost more, so this is a lower bound. */
  private static final int PER_IMAGE = 85;
  private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

  private TokenCounter() {
  }

  public static Encoding encodingFor(String model) {
    String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
    boolean legacy = (m.startsWith("gpt-4") && !m.startsWith("gpt-4o") && !m.startsWith("gpt-4.1"))
        || m.startsWith("gpt-3.5") || m.startsWith("text-embedding");
    return REGISTRY.getEncoding(legacy ? EncodingType.CL100K_BASE : EncodingType.O200K_BASE);
  }

  /** Counts chat messages one by one with the model's encoding (for counting a history once, as it grows). */
  public static ChatPrefix.MessageCounter messages(String model) {
    Encoding encoding = encodingFor(model);
    return new ChatPrefix.MessageCounter() {
      @Override
      public String encoding() {
        return encoding.getName();
      }

      @Override
      public int count(JsonObject message) {
        return message(encoding, message);
      }
    };
  }

  public static int countChatRequest(JsonObject chatRequest) {
    Encoding encoding = encodingFor(chatRequest.getString("model"));
    int tokens = REPLY_PRIMING;
    for (Object o : chatRequest.getJsonArray("messages", new JsonArray())) {
      tokens += message(encoding, (JsonObject) o);
    }
    if (chatRequest.getValue("tools") instanceof JsonArray tools && !tools.isEmpty()) {
      tokens += encoding.countTokens(tools.encode());
    }
    return tokens;
  }

  private static int message(Encoding encoding, JsonObject message) {
    int tokens = PER_MESSAGE + encoding.countTokens(message.getString("role", ""));
    Object content = message.getValue("content");
    if (content instanceof String text) {
      tokens += encoding.countTokens(text);
    } else if (content instanceof JsonArray parts) {
      for (Object p : parts) {
        JsonObject part = (JsonObject) p;
        tokens += part.getValue("text") instanceof String text ? encoding.countTokens(text) : PER_IMAGE;
      }
    }
    if (message.getValue("refusal") instanceof String refusal) {
      tokens += encoding.countTokens(refusal);
    }
    if (message.getValue("tool_call_id") instanceof String callId) {
      tokens += encoding.countTokens(callId);
    }
    if (message.getValue("tool_calls") instanceof JsonArray calls) {
      for (Object c : calls) {
        JsonObject function = ((JsonObject) c).getJsonObject("function", new JsonObject());
        tokens += PER_MESSAGE + encoding.countTokens(function.getString("name", ""))
            + encoding.countTokens(function.getString("arguments", ""));
      }
    }
    return tokens;
  }
}
