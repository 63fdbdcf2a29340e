package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure parts of hosted tools: their items, what the model is told, citations, include and the 400s. */
class HostedCallsTest {

  private static final List<WebSearchCalls.Result> RESULTS = List.of(
      new WebSearchCalls.Result(1, "https://vertx.io/docs/", "Vert.x docs", "Reactive toolkit."),
      new WebSearchCalls.Result(2, "https://example.org/a", "Example A", "About A."));

  private static JsonObject search(String query) {
    JsonObject pending = WebSearchCalls.TOOL.item(new JsonObject().put("query", query).encode());
    return WebSearchCalls.completed(pending, RESULTS);
  }

  @Test
  void aSearchIsToldToTheModelTheSameWayFromItsStoredItem() {
    JsonObject done = search("vert.x \"docs\"");
    JsonArray messages = new JsonArray();
    new ChatMessages(messages).addAll(new JsonArray().add(done));

    JsonObject call = messages.getJsonObject(0).getJsonArray("tool_calls").getJsonObject(0);
    assertThat(call.getString("id")).isEqualTo(done.getString("id"));
    assertThat(call.getJsonObject("function").getString("name")).isEqualTo("web_search");
    assertThat(call.getJsonObject("function").getString("arguments")).isEqualTo("{\"query\":\"vert.x \\\"docs\\\"\"}");
    String told = messages.getJsonObject(1).getString("content");
    assertThat(told).startsWith("Web search results for \"vert.x \\\"docs\\\"\":")
        .contains("[1] Vert.x docs\nhttps://vertx.io/docs/\nReactive toolkit.", "[2] Example A").contains("[1]");

    JsonArray again = new JsonArray();
    new ChatMessages(again).addAll(new JsonArray().add(new JsonObject(done.encode())));
    assertThat(again.encode()).as("byte-stable from the stored form").isEqualTo(messages.encode());
  }

  @Test
  void includeDecidesWhatOfASearchAndARunTheClientSees() {
    JsonObject done = search("q");
    JsonObject ran = CodeInterpreterCalls.finished(CodeInterpreterCalls.tool("cntr_1").item("{\"code\":\"print(2)\"}"),
        "2\n", false);

    JsonObject plain = OutputView.DEFAULT.item(done);
    assertThat(plain.getJsonObject("action").containsKey("sources")).isFalse();
    assertThat(plain.containsKey("results")).isFalse();
    assertThat(done.getJsonObject("action").getJsonArray("sources")).as("the stored item is untouched").hasSize(2);
    JsonObject withSources = OutputView.of(List.of("web_search_call.action.sources")).item(done);
    assertThat(withSources.getJsonObject("action").getJsonArray("sources").getJsonObject(0))
        .isEqualTo(new JsonObject().put("type", "url").put("url", "https://vertx.io/docs/"));
    assertThat(withSources.containsKey("results")).isFalse();

    assertThat(OutputView.DEFAULT.item(ran).getValue("outputs")).isNull();
    assertThat(OutputView.of(List.of("code_interpreter_call.outputs")).item(ran).getJsonArray("outputs"))
        .containsExactly(new JsonObject().put("type", "logs").put("logs", "2\n"));
    JsonObject response = new JsonObject().put("id", "r").put("output", new JsonArray().add(done).add(ran));
    assertThat(OutputView.DEFAULT.response(response)).isNotSameAs(response);
    JsonObject textOnly = new JsonObject().put("output", new JsonArray().add(OutputItems.message("m", new JsonArray(), "completed")));
    assertThat(OutputView.DEFAULT.response(textOnly)).isSameAs(textOnly);
  }

  @Test
  void citationsAreTheMarkersAndLinksTheModelWroteToResultsItWasGiven() {
    Map<Integer, WebSearchCalls.Result> refs = Citations.sources(new JsonArray().add(search("q")));
    String text = "Vert.x is reactive [1]. See also [the page](https://example.org/a/) and [1, 2]; not [9] or [x](https://else.where).";

    JsonArray found = Citations.find(text, refs);

    assertThat(found).hasSize(4);
    JsonObject first = found.getJsonObject(0);
    assertThat(text.substring(first.getInteger("start_index"), first.getInteger("end_index"))).isEqualTo("[1]");
    assertThat(first.getString("url")).isEqualTo("https://vertx.io/docs/");
    assertThat(first.getString("title")).isEqualTo("Vert.x docs");
    JsonObject link = found.getJsonObject(1);
    assertThat(text.substring(link.getInteger("start_index"), link.getInteger("end_index")))
        .isEqualTo("[the page](https://example.org/a/)");
    assertThat(link.getString("url")).isEqualTo("https://example.org/a");
    assertThat(found.getJsonObject(2).getString("url")).isEqualTo("https://vertx.io/docs/");
    assertThat(found.getJsonObject(3).getString("url")).isEqualTo("https://example.org/a");
    assertThat(found.getJsonObject(3).getInteger("start_index")).isEqualTo(found.getJsonObject(2).getInteger("start_index"));
  }

  @Test
  void citationIndicesCountCodePoints() {
    Map<Integer, WebSearchCalls.Result> refs = Citations.sources(new JsonArray().add(search("q")));
    JsonObject citation = Citations.find("😀 ok [2]", refs).getJsonObject(0);
    assertThat(citation.getInteger("start_index")).isEqualTo(5);
    assertThat(citation.getInteger("end_index")).isEqualTo(8);
  }

  @Test
  void onlyAnswersAfterASearchParleyRanAreAnnotated() {
    JsonObject before = OutputItems.message("m0", new JsonArray().add(OutputItems.outputText("early [1]", new JsonArray())), "completed");
    JsonObject after = OutputItems.message("m1", new JsonArray().add(OutputItems.outputText("late [1]", new JsonArray())), "completed");
    JsonArray output = new JsonArray().add(before).add(search("q")).add(after);

    Citations.annotate(output);

    assertThat(before.getJsonArray("content").getJsonObject(0).getJsonArray("annotations")).isEmpty();
    assertThat(after.getJsonArray("content").getJsonObject(0).getJsonArray("annotations")).hasSize(1);
  }

  @Test
  void codeStreamsAsTheModelWritesItsArguments() {
    String arguments = "{\"note\": \"a \\\"code\\\": trap\", \"code\": \"print(\\\"h\\u00e9\\\")\\nx = 1\"}";
    ServerTool.StreamedArguments streamed = CodeInterpreterCalls.tool("c").streamedArguments();
    StringBuilder code = new StringBuilder();
    for (int i = 0; i < arguments.length(); i += 3) {
      for (JsonObject event : streamed.delta(arguments.substring(i, Math.min(arguments.length(), i + 3)))) {
        assertThat(event.getString("type")).isEqualTo("response.code_interpreter_call_code.delta");
        code.append(event.getString("delta"));
      }
    }
    assertThat(code.toString()).isEqualTo("print(\"hé\")\nx = 1");
    assertThat(streamed.done(arguments).get(0).getString("code")).isEqualTo("print(\"hé\")\nx = 1");
  }

  @Test
  void aRunIsToldToTheModelAsWhatItPrintedOrAsAnError() {
    ServerTool tool = CodeInterpreterCalls.tool("cntr_9");
    JsonObject pending = tool.item("{\"code\":\"1/0\"}");
    assertThat(pending.getString("container_id")).isEqualTo("cntr_9");
    assertThat(ServerCalls.isPending(pending)).isTrue();

    ServerCalls.AsFunction ok = ServerCalls.asFunction(CodeInterpreterCalls.finished(pending, "", false));
    ServerCalls.AsFunction failed = ServerCalls.asFunction(CodeInterpreterCalls.finished(pending, "ZeroDivisionError", true));

    assertThat(ok.name()).isEqualTo("python");
    assertThat(ok.arguments()).isEqualTo("{\"code\":\"1/0\"}");
    assertThat(ok.output()).isEqualTo("(no output)");
    assertThat(failed.output()).isEqualTo("Error: ZeroDivisionError");
  }

  @Test
  void aHostedToolWithoutABackendIsA400NamingTheConfigKey() {
    JsonObject body = new JsonObject().put("model", "m").put("input", "hi")
        .put("tools", new JsonArray().add(new JsonObject().put("type", "web_search_preview")));
    assertThatThrownBy(() -> RequestParser.parse(body.copy()))
        .isInstanceOfSatisfying(ApiError.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.param()).isEqualTo("tools[0].type");
          assertThat(e.getMessage()).contains("PARLEY_WEB_SEARCH_BACKEND", "web_search_backend");
        });
    assertThat(RequestParser.parse(body.copy(), true).raw().getJsonArray("tools").getJsonObject(0).getString("type"))
        .as("a Responses-API provider takes it as it is").isEqualTo("web_search_preview");
    JsonObject code = new JsonObject().put("model", "m").put("input", "hi").put("tools", new JsonArray()
        .add(new JsonObject().put("type", "code_interpreter").put("container", new JsonObject().put("type", "auto"))));
    assertThatThrownBy(() -> RequestParser.parse(code.copy())).hasMessageContaining("PARLEY_CODE_INTERPRETER_BACKEND");
  }

  @Test
  void whatTheGatewayCannotDoIsA400NamingTheField() {
    Set<String> both = Set.of(HostedToolSpec.WEB_SEARCH, HostedToolSpec.CODE_INTERPRETER);
    List<String[]> cases = new ArrayList<>();
    cases.add(new String[] {"{\"type\":\"web_search\",\"user_location\":{\"type\":\"approximate\",\"city\":\"Paris\"}}", "tools[0].user_location"});
    cases.add(new String[] {"{\"type\":\"web_search\",\"search_context_size\":\"huge\"}", "tools[0].search_context_size"});
    cases.add(new String[] {"{\"type\":\"web_search\",\"external_web_access\":false}", "tools[0].external_web_access"});
    cases.add(new String[] {"{\"type\":\"web_search\",\"filters\":{\"blocked_domains\":[\"a.b\"]}}", "tools[0].filters.blocked_domains"});
    cases.add(new String[] {"{\"type\":\"code_interpreter\"}", "tools[0].container"});
    cases.add(new String[] {"{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\",\"file_ids\":[\"file-1\"]}}", "tools[0].container.file_ids"});
    cases.add(new String[] {"{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\",\"memory_limit\":\"4g\"}}", "tools[0].container.memory_limit"});
    for (String[] c : cases) {
      JsonObject body = new JsonObject().put("model", "m").put("input", "hi").put("tools", new JsonArray().add(new JsonObject(c[0])));
      assertThatThrownBy(() -> RequestParser.parse(body, false, false, both)).as(c[0])
          .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.param()).isEqualTo(c[1]));
    }
    JsonObject fine = new JsonObject().put("model", "m").put("input", "hi").put("tools", new JsonArray()
        .add(new JsonObject().put("type", "web_search").put("user_location", null).put("search_context_size", "low")
            .put("filters", new JsonObject().put("allowed_domains", new JsonArray().add("vertx.io"))))
        .add(new JsonObject().put("type", "code_interpreter").put("container", "cntr_abc")));
    assertThat(RequestParser.parse(fine, false, false, both).raw().getJsonArray("tools")).hasSize(2);
  }
}
