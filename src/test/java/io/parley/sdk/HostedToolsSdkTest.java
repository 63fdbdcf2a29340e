package io.parley.sdk;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCodeInterpreterToolCall;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionWebSearch;
import com.openai.models.responses.ResponseIncludable;
import com.openai.models.responses.ResponseOutputText;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.Tool;
import com.openai.models.responses.WebSearchTool;
import io.parley.testing.Gateway;
import io.parley.testing.McpTestServer;
import io.parley.testing.RecordingUpstream;
import io.parley.testing.SearxngFake;
import io.parley.testing.ToolCallReplies;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official OpenAI Java SDK, with strict response validation, reading the items and events of hosted tools
 * Parley runs: {@code web_search_call} with its sources and the answer's {@code url_citation}s, and
 * {@code code_interpreter_call} with its code and logs, as JSON and streamed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostedToolsSdkTest {

  private Vertx vertx;
  private RecordingUpstream provider;
  private SearxngFake searxng;
  private McpTestServer sandbox;
  private Gateway gateway;
  private OpenAIClient client;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    provider = new RecordingUpstream(vertx);
    searxng = new SearxngFake(vertx);
    sandbox = McpTestServer.start();
    gateway = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(),
        "PARLEY_WEB_SEARCH_BACKEND", "searxng:" + searxng.baseUrl(),
        "PARLEY_MCP_SERVERS", new JsonObject().put("sandbox", new JsonObject().put("url", sandbox.url())).encode(),
        "PARLEY_CODE_INTERPRETER_BACKEND", "mcp:sandbox/test_sandbox_run"));
    client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("sk-test").maxRetries(0)
        .responseValidation(true).build();
    // Calls the function in the user's message ("name {json}"), then answers from the tool result.
    provider.behave((body, response) -> {
      JsonArray messages = body.getJsonArray("messages");
      JsonObject last = messages.getJsonObject(messages.size() - 1);
      if ("tool".equals(last.getString("role"))) {
        RecordingUpstream.text("Found it [1]; it printed " + last.getString("content").split("\n")[0] + ".", body, response);
        return;
      }
      String asked = last.getString("content");
      int space = asked.indexOf(' ');
      List<String[]> call = List.<String[]>of(new String[] {asked.substring(0, space), asked.substring(space + 1)});
      ToolCallReplies.toolCalls(call, body, response);
    });
  }

  @AfterAll
  void stop() {
    client.close();
    gateway.close();
    sandbox.close();
    searxng.close();
    provider.close();
    vertx.close().await();
  }

  @Test
  void theSdkReadsAWebSearchCallItsSourcesAndTheCitations() {
    Response response = client.responses().create(ResponseCreateParams.builder().model("m")
        .input("web_search {\"query\":\"parley gateway\"}")
        .addTool(WebSearchTool.builder().type(WebSearchTool.Type.WEB_SEARCH)
            .searchContextSize(WebSearchTool.SearchContextSize.LOW).build())
        .addInclude(ResponseIncludable.WEB_SEARCH_CALL_ACTION_SOURCES).build());
    response.validate();

    ResponseFunctionWebSearch call = response.output().get(0).webSearchCall().orElseThrow();
    assertThat(call.id()).startsWith("ws_");
    assertThat(call.status()).isEqualTo(ResponseFunctionWebSearch.Status.COMPLETED);
    ResponseFunctionWebSearch.Action.Search search = call.action().search().orElseThrow();
    assertThat(search.query()).contains("parley gateway");
    assertThat(search.sources().orElseThrow()).hasSize(3);
    assertThat(search.sources().orElseThrow().get(0).url()).isEqualTo("https://example.org/parley-gateway/1");

    ResponseOutputText text = response.output().get(1).message().orElseThrow().content().get(0).outputText().orElseThrow();
    ResponseOutputText.Annotation.UrlCitation citation = text.annotations().get(0).urlCitation().orElseThrow();
    assertThat(citation.url()).isEqualTo("https://example.org/parley-gateway/1");
    assertThat(citation.title()).isEqualTo("Result 1 for parley gateway");
    assertThat(text.text().substring((int) citation.startIndex(), (int) citation.endIndex())).isEqualTo("[1]");
  }

  @Test
  void theSdkReadsACodeInterpreterCallAndItsLogs() {
    Response response = client.responses().create(ResponseCreateParams.builder().model("m")
        .input("python {\"code\":\"print(6 * 7)\"}")
        .addTool(Tool.CodeInterpreter.builder().container(Tool.CodeInterpreter.Container.CodeInterpreterToolAuto.builder()
            .build()).build())
        .addInclude(ResponseIncludable.CODE_INTERPRETER_CALL_OUTPUTS).build());
    response.validate();

    ResponseCodeInterpreterToolCall call = response.output().get(0).codeInterpreterCall().orElseThrow();
    assertThat(call.code()).contains("print(6 * 7)");
    assertThat(call.containerId()).startsWith("cntr_");
    assertThat(call.status()).isEqualTo(ResponseCodeInterpreterToolCall.Status.COMPLETED);
    assertThat(call.outputs().orElseThrow().get(0).logs().orElseThrow().logs()).isEqualTo("42\n");
    assertThat(SdkReading.text(response)).isEqualTo("Found it [1]; it printed 42.");
  }

  @Test
  void theSdkReadsEveryStreamedEventOfBoth() {
    List<ResponseStreamEvent> search;
    List<ResponseStreamEvent> code;
    try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ResponseCreateParams.builder()
        .model("m").input("web_search {\"query\":\"vert.x\"}")
        .addTool(WebSearchTool.builder().type(WebSearchTool.Type.WEB_SEARCH).build()).build())) {
      search = stream.stream().toList();
    }
    try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ResponseCreateParams.builder()
        .model("m").input("python {\"code\":\"print(1 + 1)\"}")
        .addTool(Tool.CodeInterpreter.builder().container("cntr_given").build()).build())) {
      code = stream.stream().toList();
    }
    search.forEach(ResponseStreamEvent::validate);
    code.forEach(ResponseStreamEvent::validate);

    assertThat(search.stream().filter(e -> e.webSearchCallInProgress().isPresent()
        || e.webSearchCallSearching().isPresent() || e.webSearchCallCompleted().isPresent())).hasSize(3);
    assertThat(search.stream().flatMap(e -> e.outputTextAnnotationAdded().stream())).hasSize(1);
    Response done = search.get(search.size() - 1).completed().orElseThrow().response();
    assertThat(done.output().get(0).webSearchCall().orElseThrow().action().search().orElseThrow().sources()).isEmpty();

    String streamedCode = code.stream().flatMap(e -> e.codeInterpreterCallCodeDelta().stream())
        .map(d -> d.delta()).reduce("", String::concat);
    assertThat(streamedCode).isEqualTo("print(1 + 1)");
    assertThat(code.stream().filter(e -> e.codeInterpreterCallCodeDone().isPresent()
        || e.codeInterpreterCallInterpreting().isPresent() || e.codeInterpreterCallCompleted().isPresent())).hasSize(3);
    Response ran = code.get(code.size() - 1).completed().orElseThrow().response();
    ResponseCodeInterpreterToolCall call = ran.output().get(0).codeInterpreterCall().orElseThrow();
    assertThat(call.containerId()).isEqualTo("cntr_given");
    assertThat(call.outputs()).as("not included").isEmpty();
  }
}
