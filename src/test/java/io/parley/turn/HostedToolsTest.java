package io.parley.turn;

import io.parley.testing.Gateway;
import io.parley.testing.McpTestServer;
import io.parley.testing.OpenResponsesSchemas;
import io.parley.testing.RecordingUpstream;
import io.parley.testing.SearxngFake;
import io.parley.testing.Sse;
import io.parley.testing.ToolCallReplies;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hosted tools run by Parley on operator backends, for a Chat Completions model: {@code web_search} on a fake
 * SearXNG (its documented JSON format), {@code code_interpreter} on a real MCP server's test sandbox tool, and a
 * scripted provider that calls the function Parley offers in their place, then answers from the tool message.
 * Clients see OpenAI's items and events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostedToolsTest {

  private static final OpenResponsesSchemas OPEN_RESPONSES = new OpenResponsesSchemas();
  private static final OpenResponsesSchemas OPENAI = OpenResponsesSchemas.openAi();
  private static final String SANDBOX_TOKEN = "sandbox-token-3311";

  private Vertx vertx;
  private RecordingUpstream provider;
  private SearxngFake searxng;
  private McpTestServer sandbox;
  private Gateway gateway;
  /** The calls the scripted model makes when the last message is not a tool result: {function name, JSON arguments}. */
  private volatile List<String[]> calls = List.of();
  /** The scripted model's answer once it has a tool result (given that result). */
  private volatile Function<String, String> answer = result -> "done";

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    provider = new RecordingUpstream(vertx);
    searxng = new SearxngFake(vertx);
    sandbox = McpTestServer.start(false, SANDBOX_TOKEN, 0);
    gateway = Gateway.start(settings(Map.of()));
  }

  private Map<String, String> settings(Map<String, String> more) {
    Map<String, String> settings = new java.util.HashMap<>(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(),
        "PARLEY_WEB_SEARCH_BACKEND", "searxng:" + searxng.baseUrl(),
        "PARLEY_MCP_SERVERS", new JsonObject().put("sandbox", new JsonObject().put("url", sandbox.url())
            .put("headers", new JsonObject().put("Authorization", "env:SANDBOX_AUTH"))).encode(),
        "SANDBOX_AUTH", "Bearer " + SANDBOX_TOKEN,
        "PARLEY_CODE_INTERPRETER_BACKEND", "mcp:sandbox/test_sandbox_run"));
    settings.putAll(more);
    return settings;
  }

  @AfterAll
  void stop() {
    gateway.close();
    sandbox.close();
    searxng.close();
    provider.close();
    vertx.close().await();
  }

  @BeforeEach
  void script() {
    provider.reset();
    searxng.reset();
    provider.behave(this::model);
    calls = List.<String[]>of(new String[] {"web_search", "{\"query\":\"vert.x\"}"});
    answer = result -> "Vert.x is a reactive toolkit [1]. See [the second page](https://example.org/vert-x/2).";
  }

  private void model(JsonObject body, HttpServerResponse response) {
    JsonArray messages = body.getJsonArray("messages");
    JsonObject last = messages.getJsonObject(messages.size() - 1);
    if ("tool".equals(last.getString("role"))) {
      RecordingUpstream.text(answer.apply(last.getString("content")), body, response);
    } else {
      ToolCallReplies.toolCalls(calls, body, response);
    }
  }

  private static JsonObject request(String input, JsonObject tool) {
    return new JsonObject().put("model", "m").put("input", input).put("tools", new JsonArray().add(tool));
  }

  private static JsonObject webSearch() {
    return new JsonObject().put("type", "web_search");
  }

  private static JsonObject codeInterpreter() {
    return new JsonObject().put("type", "code_interpreter").put("container", new JsonObject().put("type", "auto"));
  }

  private static List<String> types(JsonArray output) {
    List<String> types = new ArrayList<>();
    output.forEach(item -> types.add(((JsonObject) item).getString("type")));
    return types;
  }

  private static String text(JsonObject response) {
    return response.getJsonArray("output").getJsonObject(response.getJsonArray("output").size() - 1)
        .getJsonArray("content").getJsonObject(0).getString("text");
  }

  // ---- web_search ----

  @Test
  void aSearchRunsOnTheBackendAndTheAnswerCitesItsResults() {
    Gateway.Reply reply = gateway.post("/v1/responses", request("what is vert.x?", webSearch()));

    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonObject response = reply.json();
    assertThat(types(response.getJsonArray("output"))).containsExactly("web_search_call", "message");
    JsonObject call = response.getJsonArray("output").getJsonObject(0);
    assertThat(call.getString("id")).startsWith("ws_");
    assertThat(call.getString("status")).isEqualTo("completed");
    assertThat(call.getJsonObject("action")).isEqualTo(new JsonObject().put("type", "search").put("query", "vert.x"));
    assertThat(call.containsKey("results")).as("only with include").isFalse();

    JsonObject part = response.getJsonArray("output").getJsonObject(1).getJsonArray("content").getJsonObject(0);
    String text = part.getString("text");
    JsonArray annotations = part.getJsonArray("annotations");
    assertThat(annotations).hasSize(2);
    JsonObject marker = annotations.getJsonObject(0);
    assertThat(marker.getString("type")).isEqualTo("url_citation");
    assertThat(text.substring(marker.getInteger("start_index"), marker.getInteger("end_index"))).isEqualTo("[1]");
    assertThat(marker.getString("url")).isEqualTo("https://example.org/vert-x/1");
    assertThat(marker.getString("title")).isEqualTo("Result 1 for vert.x");
    JsonObject link = annotations.getJsonObject(1);
    assertThat(text.substring(link.getInteger("start_index"), link.getInteger("end_index")))
        .isEqualTo("[the second page](https://example.org/vert-x/2)");
    assertThat(response.getJsonArray("tools")).containsExactly(webSearch());

    assertThat(searxng.queries()).hasSize(1);
    assertThat(searxng.queries().get(0).get("q")).isEqualTo("vert.x");
    assertThat(searxng.queries().get(0).get("format")).isEqualTo("json");
    JsonObject first = provider.requests().get(0).body();
    assertThat(first.getJsonArray("tools")).hasSize(1);
    JsonObject offered = first.getJsonArray("tools").getJsonObject(0);
    assertThat(offered.getString("type")).isEqualTo("function");
    assertThat(offered.getJsonObject("function").getString("name")).isEqualTo("web_search");
    JsonArray second = provider.requests().get(1).body().getJsonArray("messages");
    JsonObject told = second.getJsonObject(second.size() - 1);
    assertThat(told.getString("role")).isEqualTo("tool");
    assertThat(told.getString("tool_call_id")).isEqualTo(call.getString("id"));
    assertThat(told.getString("content")).contains("[1] Result 1 for vert.x\nhttps://example.org/vert-x/1\nSnippet 1 about vert.x.")
        .contains("[5] Result 5").doesNotContain("[6]").contains("Cite the results you use");
  }

  @Test
  void searchContextSizeSetsHowManyResultsTheModelGets() {
    gateway.post("/v1/responses", request("q", webSearch().put("search_context_size", "low")));
    String low = lastToolMessage(provider.requests().get(1).body());
    provider.reset();
    provider.behave(this::model);
    gateway.post("/v1/responses", request("q", webSearch().put("search_context_size", "high")));
    String high = lastToolMessage(provider.requests().get(1).body());

    assertThat(low).contains("[3]").doesNotContain("[4]");
    assertThat(high).contains("[10]");
  }

  @Test
  void allowedDomainsKeepOnlyResultsFromThem() {
    searxng.results(new JsonArray()
        .add(new JsonObject().put("url", "https://elsewhere.net/x").put("title", "Elsewhere").put("content", "no"))
        .add(new JsonObject().put("url", "https://docs.vertx.io/guide").put("title", "Guide").put("content", "yes")));
    JsonObject tool = webSearch().put("filters", new JsonObject().put("allowed_domains", new JsonArray().add("vertx.io")));
    gateway.post("/v1/responses", request("q", tool));
    assertThat(lastToolMessage(provider.requests().get(1).body())).contains("[1] Guide").doesNotContain("Elsewhere");
  }

  @Test
  void includeShowsTheSourcesAndRetrievalHonoursItsOwnInclude() {
    JsonObject response = gateway.post("/v1/responses", request("vert.x?", webSearch())
        .put("include", new JsonArray().add("web_search_call.action.sources"))).json();

    JsonArray sources = response.getJsonArray("output").getJsonObject(0).getJsonObject("action").getJsonArray("sources");
    assertThat(sources).hasSize(5);
    assertThat(sources.getJsonObject(0)).isEqualTo(new JsonObject().put("type", "url").put("url", "https://example.org/vert-x/1"));

    String id = response.getString("id");
    JsonObject plain = gateway.get("/v1/responses/" + id).json();
    assertThat(plain.getJsonArray("output").getJsonObject(0).getJsonObject("action").containsKey("sources")).isFalse();
    JsonObject asked = gateway.get("/v1/responses/" + id + "?include=web_search_call.action.sources&include=web_search_call.results").json();
    JsonObject call = asked.getJsonArray("output").getJsonObject(0);
    assertThat(call.getJsonObject("action").getJsonArray("sources")).hasSize(5);
    assertThat(call.getJsonArray("results").getJsonObject(0).getString("content")).isEqualTo("Snippet 1 about vert.x.");
  }

  @Test
  void aStreamedSearchUsesOpenAisEventsInOrderAndEachConforms() {
    Sse.Stream stream = Sse.post(gateway, request("what is vert.x?", webSearch()).put("stream", true));

    assertThat(stream.status()).isEqualTo(200);
    assertThat(withoutRepeatedDeltas(stream.types())).containsExactly("response.created", "response.in_progress",
        "response.output_item.added", "response.web_search_call.in_progress", "response.web_search_call.searching",
        "response.web_search_call.completed", "response.output_item.done",
        "response.output_item.added", "response.content_part.added", "response.output_text.delta",
        "response.output_text.annotation.added", "response.output_text.annotation.added",
        "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed");
    JsonObject added = stream.events().get(2).data().getJsonObject("item");
    assertThat(added.getString("type")).isEqualTo("web_search_call");
    assertThat(added.getString("status")).isEqualTo("in_progress");
    String id = added.getString("id");
    for (int i = 3; i <= 6; i++) {
      assertThat(stream.events().get(i).data().getString("item_id")).isIn(null, id);
    }
    JsonObject done = stream.events().get(6).data().getJsonObject("item");
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(done.getJsonObject("action").getString("query")).isEqualTo("vert.x");
    JsonObject annotation = stream.events().get(stream.types().indexOf("response.output_text.annotation.added")).data();
    assertThat(annotation.getInteger("annotation_index")).isZero();
    assertThat(annotation.getJsonObject("annotation").getString("url")).isEqualTo("https://example.org/vert-x/1");
    assertSequenceAndSchemas(stream);

    JsonObject completed = stream.last().data().getJsonObject("response");
    assertThat(types(completed.getJsonArray("output"))).containsExactly("web_search_call", "message");
    assertThat(completed.getJsonArray("output").getJsonObject(1).getJsonArray("content").getJsonObject(0)
        .getJsonArray("annotations")).hasSize(2);
    assertThat(gateway.get("/v1/responses/" + completed.getString("id")).json()).isEqualTo(completed);
  }

  @Test
  void aRetriedStreamIsReplayedWithTheSameKindsOfEventsAndWhatItsIncludeAsked() {
    JsonObject body = request("what is vert.x?", webSearch()).put("stream", true);
    Map<String, String> key = Map.of("Idempotency-Key", "hosted-" + System.nanoTime());
    Sse.Stream live = Sse.parse(200, "text/event-stream", gateway.post("/v1/responses", body, key).body());
    int calls = provider.requests().size();
    Sse.Stream replayed = Sse.parse(200, "text/event-stream", gateway.post("/v1/responses", body, key).body());

    assertThat(provider.requests()).as("the retry is answered from what was recorded").hasSize(calls);
    assertThat(withoutRepeatedDeltas(replayed.types())).isEqualTo(withoutRepeatedDeltas(live.types()));
    assertThat(replayed.last().data().getJsonObject("response")).isEqualTo(live.last().data().getJsonObject("response"));
    assertThat(replayed.rawBody()).doesNotContain("\"results\"").doesNotContain("\"sources\"");
    assertSequenceAndSchemas(replayed);
  }

  @Test
  void aFailedSearchIsToldToTheModelAndTheTurnGoesOn() {
    searxng.status(502);
    answer = result -> "Could not search: " + result;
    JsonObject response = gateway.post("/v1/responses", request("news?", webSearch())).json();

    JsonObject call = response.getJsonArray("output").getJsonObject(0);
    assertThat(call.getString("status")).isEqualTo("failed");
    assertThat(response.getString("status")).isEqualTo("completed");
    assertThat(text(response)).isEqualTo("Could not search: Error: the web search for \"vert.x\" failed; no results.");
  }

  @Test
  void aLaterTurnTellsTheModelAboutTheSearchByteForByteAsBefore() {
    JsonObject first = gateway.post("/v1/responses", request("what is vert.x?", webSearch())).json();
    String roundTwo = provider.requests().get(1).raw().toString();

    provider.replyText("It is on the JVM.");
    JsonObject next = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "which runtime?")
        .put("previous_response_id", first.getString("id")).put("tools", new JsonArray().add(webSearch()))).json();

    assertThat(next.getString("output_text")).isEqualTo("It is on the JVM.");
    JsonArray messages = provider.last().getJsonArray("messages");
    assertThat(messages.stream().map(m -> ((JsonObject) m).getString("role")))
        .containsExactly("user", "assistant", "tool", "assistant", "user");
    String turnTwo = provider.requests().get(provider.requests().size() - 1).raw().toString();
    // The messages the provider saw in the first turn's last round open the next turn's, byte for byte.
    String seen = roundTwo.substring(roundTwo.indexOf("\"messages\":[") , roundTwo.indexOf("}]", roundTwo.indexOf("\"role\":\"tool\"")) + 1);
    assertThat(turnTwo).contains(seen);
  }

  @Test
  void aBackgroundTurnSearchesAndItsReplayedStreamShowsWhatTheRequestIncluded() throws Exception {
    JsonObject queued = gateway.post("/v1/responses", request("vert.x?", webSearch()).put("background", true)).json();
    assertThat(queued.getString("status")).isEqualTo("queued");
    JsonObject done = null;
    for (int i = 0; i < 100; i++) {
      done = gateway.get("/v1/responses/" + queued.getString("id")).json();
      if ("completed".equals(done.getString("status"))) {
        break;
      }
      Thread.sleep(50);
    }
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(types(done.getJsonArray("output"))).containsExactly("web_search_call", "message");
    Sse.Stream replay = Sse.parse(200, "text/event-stream",
        gateway.get("/v1/responses/" + queued.getString("id") + "?stream=true").body());
    assertThat(replay.types()).contains("response.web_search_call.searching", "response.output_text.annotation.added",
        "response.completed");
    assertThat(replay.rawBody()).doesNotContain("\"results\"").doesNotContain("\"sources\"");
  }

  @Test
  void compactingKeepsTheSearchButShowsOnlyWhatIncludeAsksFor() {
    String id = gateway.post("/v1/responses", request("vert.x?", webSearch())).json().getString("id");
    JsonObject compact = new JsonObject().put("model", "m").put("previous_response_id", id);
    JsonObject call = gateway.post("/v1/responses/compact", compact).json().getJsonArray("output").stream()
        .map(JsonObject.class::cast).filter(i -> "web_search_call".equals(i.getString("type"))).findFirst().orElseThrow();
    assertThat(call.containsKey("results")).isFalse();
    assertThat(call.getJsonObject("action").containsKey("sources")).isFalse();

    JsonObject asked = gateway.post("/v1/responses/compact", compact.copy()
        .put("include", new JsonArray().add("web_search_call.action.sources"))).json().getJsonArray("output").stream()
        .map(JsonObject.class::cast).filter(i -> "web_search_call".equals(i.getString("type"))).findFirst().orElseThrow();
    assertThat(asked.getJsonObject("action").getJsonArray("sources")).hasSize(5);
  }

  @Test
  void conversationItemsShowWhatIncludeAsksForOnly() {
    String conversation = gateway.post("/v1/conversations", new JsonObject()).json().getString("id");
    gateway.post("/v1/responses", request("vert.x?", webSearch()).put("conversation", conversation));

    JsonArray items = gateway.get("/v1/conversations/" + conversation + "/items?order=asc").json().getJsonArray("data");
    JsonObject call = items.stream().map(JsonObject.class::cast).filter(i -> "web_search_call".equals(i.getString("type")))
        .findFirst().orElseThrow();
    assertThat(call.containsKey("results")).isFalse();
    assertThat(call.getJsonObject("action").containsKey("sources")).isFalse();
    JsonObject asked = gateway.get("/v1/conversations/" + conversation + "/items/" + call.getString("id")
        + "?include=web_search_call.action.sources").json();
    assertThat(asked.getJsonObject("action").getJsonArray("sources")).hasSize(5);

    provider.replyText("Again.");
    gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "more?").put("conversation", conversation));
    assertThat(provider.last().getJsonArray("messages").getJsonObject(2).getString("content"))
        .as("the next turn of the conversation tells the model the results again").contains("[1] Result 1 for vert.x");
  }

  // ---- code_interpreter ----

  @Test
  void codeRunsInTheSandboxAndItsOutputsAreShownWhenIncluded() {
    calls = List.<String[]>of(new String[] {"python", "{\"code\":\"x = 1\\nprint(6 * 7)\\nprint((2 + 3) // 2)\"}"});
    answer = result -> "It printed " + result.replace("\n", " ").trim();

    JsonObject plain = gateway.post("/v1/responses", request("compute", codeInterpreter())).json();
    JsonObject included = gateway.post("/v1/responses", request("compute", codeInterpreter().put("container", "cntr_mine"))
        .put("include", new JsonArray().add("code_interpreter_call.outputs"))).json();

    assertThat(types(plain.getJsonArray("output"))).containsExactly("code_interpreter_call", "message");
    JsonObject call = plain.getJsonArray("output").getJsonObject(0);
    assertThat(call.getString("id")).startsWith("ci_");
    assertThat(call.getString("status")).isEqualTo("completed");
    assertThat(call.getString("code")).isEqualTo("x = 1\nprint(6 * 7)\nprint((2 + 3) // 2)");
    assertThat(call.getString("container_id")).startsWith("cntr_");
    assertThat(call.containsKey("outputs")).isTrue();
    assertThat(call.getValue("outputs")).isNull();
    assertThat(text(plain)).isEqualTo("It printed 42 2");

    JsonObject shown = included.getJsonArray("output").getJsonObject(0);
    assertThat(shown.getString("container_id")).isEqualTo("cntr_mine");
    assertThat(shown.getJsonArray("outputs")).containsExactly(new JsonObject().put("type", "logs").put("logs", "42\n2\n"));
    assertThat(sandbox.headers()).anySatisfy(h -> assertThat(h.get("authorization")).isEqualTo("Bearer " + SANDBOX_TOKEN));
    JsonObject offered = provider.requests().get(0).body().getJsonArray("tools").getJsonObject(0).getJsonObject("function");
    assertThat(offered.getString("name")).isEqualTo("python");
  }

  @Test
  void codeThatFailsIsAFailedCallTheModelIsToldAbout() {
    calls = List.<String[]>of(new String[] {"python", "{\"code\":\"print(1)\\nraise ValueError\"}"});
    answer = result -> "Saw: " + result;
    JsonObject response = gateway.post("/v1/responses", request("compute", codeInterpreter())
        .put("include", new JsonArray().add("code_interpreter_call.outputs"))).json();

    JsonObject call = response.getJsonArray("output").getJsonObject(0);
    assertThat(call.getString("status")).isEqualTo("failed");
    assertThat(call.getJsonArray("outputs").getJsonObject(0).getString("logs")).contains("Traceback");
    assertThat(text(response)).startsWith("Saw: Error: 1\nTraceback");
  }

  @Test
  void aStreamedRunStreamsItsCodeThenInterpretsAndEachEventConforms() {
    calls = List.<String[]>of(new String[] {"python", "{\"code\":\"print(20 + 22)\"}"});
    answer = result -> "The sum is " + result.trim() + ".";
    Sse.Stream stream = Sse.post(gateway, request("add", codeInterpreter()).put("stream", true)
        .put("include", new JsonArray().add("code_interpreter_call.outputs")));

    assertThat(stream.status()).isEqualTo(200);
    List<String> types = stream.types();
    assertThat(types).containsSubsequence("response.output_item.added", "response.code_interpreter_call.in_progress",
        "response.code_interpreter_call_code.delta", "response.code_interpreter_call_code.done",
        "response.code_interpreter_call.interpreting", "response.code_interpreter_call.completed",
        "response.output_item.done", "response.output_text.delta", "response.completed");
    StringBuilder code = new StringBuilder();
    stream.events().stream().filter(e -> e.type().equals("response.code_interpreter_call_code.delta"))
        .forEach(e -> code.append(e.data().getString("delta")));
    assertThat(code.toString()).isEqualTo("print(20 + 22)");
    JsonObject done = stream.events().get(types.indexOf("response.output_item.done")).data().getJsonObject("item");
    assertThat(done.getJsonArray("outputs").getJsonObject(0).getString("logs")).isEqualTo("42\n");
    assertThat(stream.last().data().getJsonObject("response").getString("output_text")).isEqualTo("The sum is 42.");
    assertSequenceAndSchemas(stream);
  }

  @Test
  void searchAndCodeInOneTurnShareTheLoop() {
    calls = List.<String[]>of(new String[] {"web_search", "{\"query\":\"answer\"}"},
        new String[] {"python", "{\"code\":\"print(40 + 2)\"}"});
    answer = result -> "Both ran.";
    JsonObject response = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "go")
        .put("tools", new JsonArray().add(webSearch()).add(codeInterpreter()))).json();
    assertThat(types(response.getJsonArray("output"))).containsExactly("web_search_call", "code_interpreter_call", "message");
    assertThat(provider.requests().get(0).body().getJsonArray("tools")).hasSize(2);
    JsonArray messages = provider.requests().get(1).body().getJsonArray("messages");
    // Each call Parley ran is told as its own call and result, as MCP calls are.
    assertThat(messages.stream().map(m -> ((JsonObject) m).getString("role")))
        .containsExactly("user", "assistant", "tool", "assistant", "tool");
    assertThat(messages.getJsonObject(3).getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function")
        .getString("arguments")).isEqualTo("{\"code\":\"print(40 + 2)\"}");
  }

  // ---- what is refused ----

  @Test
  void aHostedToolWithNoBackendIs400NamingTheConfigKey() {
    try (Gateway bare = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl()))) {
      Gateway.Reply search = bare.post("/v1/responses", request("q", webSearch()));
      Gateway.Reply code = bare.post("/v1/responses", request("q", codeInterpreter()));

      assertThat(search.status()).isEqualTo(400);
      assertThat(search.error().getString("param")).isEqualTo("tools[0].type");
      assertThat(search.error().getString("type")).isEqualTo("invalid_request_error");
      assertThat(search.error().getString("message")).contains("PARLEY_WEB_SEARCH_BACKEND", "web_search_backend");
      assertThat(code.status()).isEqualTo(400);
      assertThat(code.error().getString("message")).contains("PARLEY_CODE_INTERPRETER_BACKEND");
      assertThat(provider.requests()).isEmpty();
    }
  }

  @Test
  void unsupportedFieldsAndNameClashesAre400() {
    Gateway.Reply located = gateway.post("/v1/responses", request("q", webSearch()
        .put("user_location", new JsonObject().put("type", "approximate").put("country", "FR"))));
    Gateway.Reply files = gateway.post("/v1/responses", request("q", new JsonObject().put("type", "code_interpreter")
        .put("container", new JsonObject().put("type", "auto").put("file_ids", new JsonArray().add("file-1")))));
    Gateway.Reply clash = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "q")
        .put("tools", new JsonArray().add(webSearch()).add(new JsonObject().put("type", "function").put("name", "web_search"))));

    assertThat(located.status()).isEqualTo(400);
    assertThat(located.error().getString("param")).isEqualTo("tools[0].user_location");
    assertThat(files.error().getString("param")).isEqualTo("tools[0].container.file_ids");
    assertThat(clash.status()).isEqualTo(400);
    assertThat(clash.error().getString("param")).isEqualTo("tools[1].name");
    assertThat(provider.requests()).isEmpty();
  }

  @Test
  void aSearchToolOfAnMcpServerCanBeTheBackend() {
    try (Gateway viaMcp = Gateway.start(settings(Map.of("PARLEY_WEB_SEARCH_BACKEND", "mcp:sandbox/test_search")))) {
      answer = result -> "See [1] and [2].";
      JsonObject response = viaMcp.post("/v1/responses", request("docs?", webSearch())
          .put("include", new JsonArray().add("web_search_call.action.sources"))).json();

      JsonObject call = response.getJsonArray("output").getJsonObject(0);
      assertThat(call.getJsonObject("action").getJsonArray("sources").stream().map(s -> ((JsonObject) s).getString("url")))
          .containsExactly("https://docs.example/one", "https://docs.example/two");
      assertThat(response.getJsonArray("output").getJsonObject(1).getJsonArray("content").getJsonObject(0)
          .getJsonArray("annotations")).hasSize(2);
      assertThat(lastToolMessage(provider.requests().get(1).body())).contains("[1] One: vert.x\nhttps://docs.example/one\nThe first result.");
      assertThat(searxng.queries()).isEmpty();
    }
  }

  @Test
  void aResponsesApiProviderGetsHostedToolsUntouchedUnlessABackendRunsThem() {
    JsonObject providerAnswer = new JsonObject().put("id", "resp_p").put("object", "response").put("status", "completed")
        .put("output", new JsonArray().add(new JsonObject().put("type", "message").put("id", "msg_p").put("status", "completed")
            .put("role", "assistant").put("content", new JsonArray().add(new JsonObject().put("type", "output_text")
                .put("text", "ok").put("annotations", new JsonArray())))));
    provider.behave((body, response) -> response.putHeader("content-type", "application/json").end(providerAnswer.encode()));
    JsonObject tool = new JsonObject().put("type", "web_search_preview").put("search_context_size", "low");
    try (Gateway passing = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(), "PARLEY_UPSTREAM_KIND", "responses"));
        Gateway running = Gateway.start(settings(Map.of("PARLEY_UPSTREAM_KIND", "responses")))) {
      assertThat(passing.post("/v1/responses", request("q", tool)).status()).isEqualTo(200);
      assertThat(provider.last().getJsonArray("tools")).containsExactly(tool);

      assertThat(running.post("/v1/responses", request("q", tool)).status()).isEqualTo(200);
      JsonObject offered = provider.last().getJsonArray("tools").getJsonObject(0);
      assertThat(offered.getString("type")).isEqualTo("function");
      assertThat(offered.getString("name")).isEqualTo("web_search");
      Gateway.Reply streamed = running.post("/v1/responses", request("q", tool).put("stream", true));
      assertThat(streamed.status()).as("a Responses provider's tool rounds cannot be streamed").isEqualTo(400);
    }
  }

  private static List<String> withoutRepeatedDeltas(List<String> types) {
    List<String> kept = new ArrayList<>();
    for (String type : types) {
      if (!(type.endsWith(".delta") && !kept.isEmpty() && kept.get(kept.size() - 1).equals(type))) {
        kept.add(type);
      }
    }
    return kept;
  }

  private static String lastToolMessage(JsonObject chatRequest) {
    JsonArray messages = chatRequest.getJsonArray("messages");
    return messages.getJsonObject(messages.size() - 1).getString("content");
  }

  /**
   * Strictly increasing sequence numbers; every event valid against Open Responses' schema of its type, or, for
   * what Open Responses does not describe (hosted tool calls and their events), against OpenAI's.
   */
  private static void assertSequenceAndSchemas(Sse.Stream stream) {
    assertThat(stream.done()).isTrue();
    List<String> violations = new ArrayList<>();
    long previous = -1;
    for (int i = 0; i < stream.events().size(); i++) {
      Sse.Event event = stream.events().get(i);
      long number = event.data().getLong("sequence_number");
      assertThat(number).isGreaterThan(previous);
      previous = number;
      assertThat(event.name()).isEqualTo(event.type());
      String where = "#" + i + " " + event.type();
      boolean openResponses = OPEN_RESPONSES.eventSchema(event.type()) != null && !carriesHosted(event.data());
      OpenResponsesSchemas schemas = openResponses ? OPEN_RESPONSES : OPENAI;
      if (schemas.eventSchema(event.type()) == null) {
        violations.add(where + ": no schema has this event type");
      } else {
        violations.addAll(schemas.eventViolations(openResponses ? event.data() : forOpenAi(event.data()), where));
      }
    }
    assertThat(violations).as(String.join("\n", violations)).isEmpty();
  }

  /** Whether the event carries a hosted tool or call, which only OpenAI's description knows. */
  private static boolean carriesHosted(JsonObject event) {
    JsonArray items = new JsonArray();
    if (event.getValue("item") instanceof JsonObject item) {
      items.add(item);
    }
    if (event.getValue("response") instanceof JsonObject response) {
      items.addAll(response.getJsonArray("output", new JsonArray()));
      items.addAll(response.getJsonArray("tools", new JsonArray()));
    }
    return items.stream().map(i -> ((JsonObject) i).getString("type"))
        .anyMatch(t -> t.equals("web_search_call") || t.equals("code_interpreter_call") || t.equals("web_search")
            || t.equals("code_interpreter"));
  }

  /** The response fields OpenAI's description requires (null allowed); it types the others without null. */
  private static final java.util.Set<String> OPENAI_REQUIRED = java.util.Set.of("id", "object", "created_at", "error",
      "incomplete_details", "instructions", "model", "tools", "output", "parallel_tool_calls", "metadata",
      "tool_choice", "temperature", "top_p");

  /**
   * The event as OpenAI's description is asked about it. Open Responses requires every response field present,
   * null where it does not apply (checked by the Open Responses schemas elsewhere); OpenAI's leaves out the optional
   * ones instead ({@code usage}, {@code user}, ... are typed without null), so null optional fields go here.
   */
  private static JsonObject forOpenAi(JsonObject event) {
    if (!(event.getValue("response") instanceof JsonObject)) {
      return event;
    }
    JsonObject copy = event.copy();
    copy.getJsonObject("response").getMap().entrySet()
        .removeIf(field -> field.getValue() == null && !OPENAI_REQUIRED.contains(field.getKey()));
    return copy;
  }
}
