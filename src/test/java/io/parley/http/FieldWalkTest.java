package io.parley.http;

import io.parley.testing.Gateway;
import io.parley.testing.Gateway.Reply;
import io.parley.testing.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Walks every request field of {@code CreateResponse} in OpenAI's OpenAPI document (../shared/spec) with a
 * value a client would send: each is honoured (the answer or the stored response shows it), passed to the
 * Chat Completions provider (the recorded provider request has it), or refused with a 400 naming it. A field
 * added to the list without a verdict here fails the walk.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FieldWalkTest {

  /** As in the spec, in its order; keep in step with it. */
  private static final List<String> SPEC_FIELDS = List.of("background", "context_management", "conversation",
      "include", "input", "instructions", "max_output_tokens", "max_tool_calls", "metadata", "model", "moderation",
      "parallel_tool_calls", "previous_response_id", "prompt", "prompt_cache_key", "prompt_cache_options",
      "prompt_cache_retention", "reasoning", "safety_identifier", "service_tier", "store", "stream",
      "stream_options", "temperature", "text", "tool_choice", "tools", "top_logprobs", "top_p", "truncation", "user");

  private record Verdict(Object value, Predicate<JsonObject> providerSaw, String refusedParam) {
    static Verdict passed(Object value, Predicate<JsonObject> providerSaw) {
      return new Verdict(value, providerSaw, null);
    }

    static Verdict refused(Object value, String param) {
      return new Verdict(value, null, param);
    }
  }

  private Vertx providerVertx;
  private RecordingUpstream provider;
  private Gateway gateway;

  @BeforeAll
  void start() {
    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
    gateway = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl()));
  }

  @AfterAll
  void stop() {
    gateway.close();
    provider.close();
    providerVertx.close().await();
  }

  @BeforeEach
  void reset() {
    provider.reset();
  }

  private Map<String, Verdict> verdicts() {
    JsonArray tools = new JsonArray().add(new JsonObject().put("type", "function").put("name", "f")
        .put("parameters", new JsonObject().put("type", "object")));
    Map<String, Verdict> v = new LinkedHashMap<>();
    v.put("background", Verdict.passed(false, p -> true));
    // Honoured by Parley (AutoCompactionTest): below its threshold the turn runs as always.
    v.put("context_management", Verdict.passed(new JsonArray().add(new JsonObject().put("type", "compaction")
        .put("compact_threshold", 2000)), p -> !p.containsKey("context_management")));
    String conversation = gateway.post("/v1/conversations", new JsonObject()).json().getString("id");
    v.put("conversation", Verdict.passed(conversation, p -> true));
    v.put("include", Verdict.passed(new JsonArray().add("message.output_text.logprobs"), p -> p.getBoolean("logprobs", false)));
    v.put("input", Verdict.passed("hello there", p -> p.encode().contains("hello there")));
    v.put("instructions", Verdict.passed("be brief", p -> p.getJsonArray("messages").getJsonObject(0).getString("content").equals("be brief")));
    v.put("max_output_tokens", Verdict.passed(64, p -> p.getInteger("max_tokens") == 64));
    v.put("max_tool_calls", Verdict.passed(2, p -> true));
    v.put("metadata", Verdict.passed(new JsonObject().put("k", "v"), p -> !p.containsKey("metadata")));
    v.put("model", Verdict.passed("m", p -> p.getString("model").equals("m")));
    v.put("moderation", Verdict.refused(new JsonObject().put("model", "omni-moderation-latest"), "moderation"));
    v.put("parallel_tool_calls", Verdict.passed(false, p -> Boolean.FALSE.equals(p.getValue("parallel_tool_calls"))));
    String previous = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "earlier")).json().getString("id");
    v.put("previous_response_id", Verdict.passed(previous, p -> p.encode().contains("earlier")));
    v.put("prompt", Verdict.refused(new JsonObject().put("id", "pmpt_unknown"), "prompt.id"));
    v.put("prompt_cache_key", Verdict.passed("chain-1", p -> "chain-1".equals(p.getString("prompt_cache_key"))));
    v.put("prompt_cache_options", Verdict.passed(new JsonObject().put("ttl", "30m"),
        p -> p.getJsonObject("prompt_cache_options").getString("ttl").equals("30m")));
    v.put("prompt_cache_retention", Verdict.passed("24h", p -> "24h".equals(p.getString("prompt_cache_retention"))));
    v.put("reasoning", Verdict.passed(new JsonObject().put("effort", "low"), p -> "low".equals(p.getString("reasoning_effort"))));
    v.put("safety_identifier", Verdict.passed("u-1", p -> "u-1".equals(p.getString("safety_identifier"))));
    v.put("service_tier", Verdict.refused("flex", "service_tier"));
    v.put("store", Verdict.passed(false, p -> true));
    v.put("stream", Verdict.passed(false, p -> !p.containsKey("stream")));
    v.put("stream_options", Verdict.refused(new JsonObject().put("include_obfuscation", true), "stream_options.include_obfuscation"));
    v.put("temperature", Verdict.passed(0.5, p -> p.getDouble("temperature") == 0.5));
    v.put("text", Verdict.passed(new JsonObject().put("verbosity", "low"), p -> "low".equals(p.getString("verbosity"))));
    v.put("tool_choice", Verdict.passed("required", p -> "required".equals(p.getString("tool_choice"))));
    v.put("tools", Verdict.passed(tools, p -> p.getJsonArray("tools").size() == 1));
    v.put("top_logprobs", Verdict.passed(3, p -> p.getInteger("top_logprobs") == 3));
    v.put("top_p", Verdict.passed(0.9, p -> p.getDouble("top_p") == 0.9));
    v.put("truncation", Verdict.passed("auto", p -> true));
    v.put("user", Verdict.passed("user-7", p -> "user-7".equals(p.getString("user"))));
    return v;
  }

  @Test
  void everySpecFieldIsHonouredPassedOrRefusedByName() {
    Map<String, Verdict> verdicts = verdicts();
    assertThat(verdicts.keySet()).as("a verdict for every field of the spec").containsExactlyInAnyOrderElementsOf(SPEC_FIELDS);
    JsonArray tools = verdicts.get("tools").value() instanceof JsonArray t ? t : null;
    for (Map.Entry<String, Verdict> entry : verdicts.entrySet()) {
      String field = entry.getKey();
      Verdict verdict = entry.getValue();
      provider.reset();
      JsonObject body = new JsonObject().put("model", "m").put("input", "hi").put(field, verdict.value());
      if (field.equals("tool_choice") || field.equals("parallel_tool_calls") || field.equals("max_tool_calls")) {
        body.put("tools", tools);
      }
      Reply reply = gateway.post("/v1/responses", body);
      if (verdict.refusedParam() != null) {
        assertThat(reply.status()).as(field + ": " + reply.body()).isEqualTo(400);
        assertThat(reply.error().getString("param")).as(field).isEqualTo(verdict.refusedParam());
        assertThat(provider.requests()).as(field + " refused before the provider").isEmpty();
      } else {
        assertThat(reply.status()).as(field + ": " + reply.body()).isEqualTo(200);
        assertThat(verdict.providerSaw().test(provider.last())).as(field + " reached the provider as: " + provider.last()).isTrue();
      }
    }
  }

  @Test
  void honouredFieldsShowInTheResponse() {
    JsonObject response = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "hi")
        .put("metadata", new JsonObject().put("k", "v")).put("store", false).put("truncation", "auto")).json();
    assertThat(response.getJsonObject("metadata").getString("k")).isEqualTo("v");
    assertThat(response.getBoolean("store")).isFalse();
    assertThat(response.getString("truncation")).isEqualTo("auto");
  }

  @Test
  void anUnknownFieldIsRefusedByName() {
    Reply reply = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "hi").put("temprature", 1));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.error().getString("code")).isEqualTo("unknown_parameter");
    assertThat(reply.error().getString("param")).isEqualTo("temprature");
  }

  @Test
  void includeValuesParleyCannotProduceAreRefused() {
    Reply reply = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "hi")
        .put("include", new JsonArray().add("message.output_text.logprobs").add("reasoning.encrypted_content")));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.error().getString("param")).isEqualTo("include[1]");
    assertThat(reply.error().getString("message")).contains("reasoning.encrypted_content");
  }

  @Test
  void emptyStringsFrameworksSendMeanAbsent() {
    Reply reply = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "hi")
        .put("instructions", "").put("user", ""));
    assertThat(reply.status()).isEqualTo(200);
    JsonArray messages = provider.lastMessages();
    assertThat(messages).hasSize(1);
    assertThat(messages.getJsonObject(0).getString("role")).isEqualTo("user");
    assertThat(provider.last().containsKey("user")).isFalse();
  }
}
