package io.parley.turn;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.parley.testing.Chunks;
import io.parley.testing.ClientConnection;
import io.parley.testing.ResponsesSocket;
import io.parley.testing.Gateway;
import io.parley.testing.McpTestServer;
import io.parley.testing.RecordingUpstream;
import io.parley.testing.Sse;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Remote MCP tools run by Parley in the turn's tool loop, for a Chat Completions model: a real MCP server
 * (the official SDK's, on Tomcat) and a scripted provider that calls its tools, then answers with what the
 * last tool returned.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpToolLoopTest {

  private static final String TOKEN = "tok-very-secret-4471";

  private Vertx providerVertx;
  private RecordingUpstream provider;
  private McpTestServer mcp;
  private Gateway gateway;
  /** The calls the scripted model makes on its first round, as {function name, JSON arguments}. */
  private volatile List<String[]> calls = List.of();
  private final Vertx clientVertx = Vertx.vertx();
  private final WebSocketClient webSockets = clientVertx.createWebSocketClient();

  @BeforeAll
  void start() {
    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
    mcp = McpTestServer.start(false, TOKEN, 0);
    gateway = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(), "PARLEY_MCP_ALLOW_PRIVATE_NETWORKS", "true"));
  }

  @AfterAll
  void stop() {
    gateway.close();
    mcp.close();
    provider.close();
    providerVertx.close().await();
    clientVertx.close().await();
  }

  @BeforeEach
  void script() {
    provider.reset();
    provider.behave(this::model);
    calls = List.<String[]>of(new String[] {"vault__lookup_secret", "{\"key\":\"k1\"}"});
  }

  /** Calls the scripted tools unless the last message is a tool result, which it answers with. */
  private void model(JsonObject body, HttpServerResponse response) {
    JsonArray messages = body.getJsonArray("messages");
    JsonObject last = messages.getJsonObject(messages.size() - 1);
    if ("tool".equals(last.getString("role"))) {
      RecordingUpstream.text("done: " + last.getString("content"), body, response);
    } else {
      toolCalls(calls, body, response);
    }
  }

  private static void toolCalls(List<String[]> calls, JsonObject body, HttpServerResponse response) {
    JsonArray toolCalls = new JsonArray();
    for (int i = 0; i < calls.size(); i++) {
      toolCalls.add(new JsonObject().put("id", "call_" + i).put("type", "function")
          .put("function", new JsonObject().put("name", calls.get(i)[0]).put("arguments", calls.get(i)[1])));
    }
    JsonObject usage = Chunks.usage(20, 5, 0);
    if (!body.getBoolean("stream", false)) {
      response.putHeader("content-type", "application/json").end(new JsonObject()
          .put("id", "chatcmpl-1").put("object", "chat.completion").put("model", "m")
          .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "tool_calls")
              .put("message", new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", toolCalls))))
          .put("usage", usage).encode());
      return;
    }
    Chunks.sse(response);
    for (int i = 0; i < calls.size(); i++) {
      String args = calls.get(i)[1];
      int half = args.length() / 2;
      Chunks.write(response, toolDelta(new JsonObject().put("index", i).put("id", "call_" + i).put("type", "function")
          .put("function", new JsonObject().put("name", calls.get(i)[0]).put("arguments", args.substring(0, half)))));
      Chunks.write(response, toolDelta(new JsonObject().put("index", i)
          .put("function", new JsonObject().put("arguments", args.substring(half)))));
    }
    Chunks.write(response, Chunks.finish("tool_calls"));
    Chunks.write(response, new JsonObject().put("choices", new JsonArray()).put("usage", usage));
    response.end("data: [DONE]\n\n");
  }

  private static JsonObject toolDelta(JsonObject call) {
    return new JsonObject().put("choices", new JsonArray().add(new JsonObject().put("index", 0)
        .put("delta", new JsonObject().put("tool_calls", new JsonArray().add(call)))));
  }

  private JsonObject mcpTool(Object requireApproval) {
    return new JsonObject().put("type", "mcp").put("server_label", "vault").put("server_url", mcp.url())
        .put("authorization", TOKEN).put("require_approval", requireApproval);
  }

  private JsonObject request(Object requireApproval) {
    return new JsonObject().put("model", "m").put("input", "what is the secret k1?")
        .put("tools", new JsonArray().add(mcpTool(requireApproval)));
  }

  private static List<String> types(JsonArray output) {
    List<String> types = new ArrayList<>();
    output.forEach(item -> types.add(((JsonObject) item).getString("type")));
    return types;
  }

  @Test
  void aToolRoundRunsOnTheServerAndTheModelAnswersWithItsResult() {
    Gateway.Reply reply = gateway.post("/v1/responses", request("never"));

    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonObject response = reply.json();
    JsonArray output = response.getJsonArray("output");
    assertThat(types(output)).containsExactly("mcp_list_tools", "mcp_call", "message");
    JsonObject listing = output.getJsonObject(0);
    assertThat(listing.getString("server_label")).isEqualTo("vault");
    assertThat(listing.getJsonArray("tools").stream().map(t -> ((JsonObject) t).getString("name")))
        .contains("lookup_secret", "add", "fail", "slow");
    JsonObject call = output.getJsonObject(1);
    assertThat(call.getString("name")).isEqualTo("lookup_secret");
    assertThat(call.getString("server_label")).isEqualTo("vault");
    assertThat(call.getString("arguments")).isEqualTo("{\"key\":\"k1\"}");
    assertThat(call.getString("output")).isEqualTo("secret-of-k1");
    assertThat(call.getValue("error")).isNull();
    assertThat(call.getString("status")).isEqualTo("completed");
    assertThat(response.getString("output_text")).isEqualTo("done: secret-of-k1");
    assertThat(response.getString("status")).isEqualTo("completed");
    assertThat(response.getJsonObject("usage").getLong("input_tokens")).as("both rounds' usage").isEqualTo(31);

    assertThat(provider.requests()).hasSize(2);
    JsonObject first = provider.requests().get(0).body();
    assertThat(first.getJsonArray("tools").stream().map(t -> ((JsonObject) t).getJsonObject("function").getString("name")))
        .contains("vault__lookup_secret", "vault__add");
    JsonArray second = provider.requests().get(1).body().getJsonArray("messages");
    JsonObject toolMessage = second.getJsonObject(second.size() - 1);
    assertThat(toolMessage.getString("role")).isEqualTo("tool");
    assertThat(toolMessage.getString("content")).isEqualTo("secret-of-k1");
    assertThat(second.getJsonObject(second.size() - 2).getJsonArray("tool_calls").getJsonObject(0)
        .getJsonObject("function").getString("name")).isEqualTo("vault__lookup_secret");
  }

  @Test
  void aStreamedToolLoopUsesOpenAisEventsWithOneSequence() {
    Sse.Stream stream = Sse.post(gateway, request("never").put("stream", true));

    assertThat(stream.status()).isEqualTo(200);
    List<String> types = stream.types();
    assertThat(types).containsSubsequence("response.created", "response.output_item.added",
        "response.mcp_list_tools.in_progress", "response.mcp_list_tools.completed", "response.output_item.done",
        "response.output_item.added", "response.mcp_call_arguments.delta", "response.mcp_call_arguments.done",
        "response.mcp_call.in_progress", "response.mcp_call.completed", "response.output_item.done",
        "response.output_text.delta", "response.completed");
    assertThat(types).doesNotContain("response.function_call_arguments.delta");
    long previous = -1;
    for (Sse.Event event : stream.events()) {
      long number = event.data().getLong("sequence_number");
      assertThat(number).isGreaterThan(previous);
      previous = number;
    }
    JsonObject completed = stream.last().data().getJsonObject("response");
    assertThat(types(completed.getJsonArray("output"))).containsExactly("mcp_list_tools", "mcp_call", "message");
    assertThat(completed.getJsonArray("output").getJsonObject(1).getString("output")).isEqualTo("secret-of-k1");
    assertThat(completed.getString("output_text")).isEqualTo("done: secret-of-k1");
    JsonObject stored = gateway.get("/v1/responses/" + completed.getString("id")).json();
    assertThat(stored.getJsonArray("output")).isEqualTo(completed.getJsonArray("output"));
  }

  @Test
  void approvalIsAskedByDefaultAndAnApprovedCallRunsOnTheNextTurn() {
    int callsBefore = mcp.count("tools/call");
    JsonObject asked = gateway.post("/v1/responses", request(null)).json();
    JsonArray output = asked.getJsonArray("output");
    assertThat(types(output)).containsExactly("mcp_list_tools", "mcp_approval_request");
    JsonObject approval = output.getJsonObject(1);
    assertThat(approval.getString("name")).isEqualTo("lookup_secret");
    assertThat(approval.getString("arguments")).isEqualTo("{\"key\":\"k1\"}");
    assertThat(mcp.count("tools/call")).as("nothing runs before the approval").isEqualTo(callsBefore);

    JsonObject approved = gateway.post("/v1/responses", new JsonObject().put("model", "m")
        .put("previous_response_id", asked.getString("id"))
        .put("tools", new JsonArray().add(mcpTool(null)))
        .put("input", new JsonArray().add(new JsonObject().put("type", "mcp_approval_response")
            .put("approval_request_id", approval.getString("id")).put("approve", true)))).json();

    assertThat(types(approved.getJsonArray("output"))).as("the listing is reused from the chain").containsExactly("mcp_call", "message");
    JsonObject call = approved.getJsonArray("output").getJsonObject(0);
    assertThat(call.getString("approval_request_id")).isEqualTo(approval.getString("id"));
    assertThat(call.getString("output")).isEqualTo("secret-of-k1");
    assertThat(approved.getString("output_text")).isEqualTo("done: secret-of-k1");
    assertThat(mcp.count("tools/call")).isEqualTo(callsBefore + 1);
  }

  @Test
  void aRefusedCallIsReportedToTheModelAsRefused() {
    int callsBefore = mcp.count("tools/call");
    JsonObject asked = gateway.post("/v1/responses", request("always")).json();
    String approvalId = asked.getJsonArray("output").getJsonObject(1).getString("id");

    JsonObject refused = gateway.post("/v1/responses", new JsonObject().put("model", "m")
        .put("previous_response_id", asked.getString("id"))
        .put("tools", new JsonArray().add(mcpTool("always")))
        .put("input", new JsonArray().add(new JsonObject().put("type", "mcp_approval_response")
            .put("approval_request_id", approvalId).put("approve", false).put("reason", "not today")))).json();

    JsonObject call = refused.getJsonArray("output").getJsonObject(0);
    assertThat(call.getString("status")).isEqualTo("failed");
    assertThat(call.getJsonObject("error").getString("type")).isEqualTo("mcp_tool_execution_error");
    assertThat(refused.getString("output_text")).contains("did not approve").contains("not today");
    assertThat(mcp.count("tools/call")).as("a refused call never runs").isEqualTo(callsBefore);
  }

  @Test
  void aToolErrorIsToldToTheModelAndTheTurnGoesOn() {
    calls = List.<String[]>of(new String[] {"vault__fail", "{}"});
    JsonObject response = gateway.post("/v1/responses", request("never")).json();

    JsonObject call = response.getJsonArray("output").getJsonObject(1);
    assertThat(call.getString("status")).isEqualTo("failed");
    assertThat(call.getValue("output")).isNull();
    JsonObject error = call.getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("mcp_tool_execution_error");
    assertThat(error.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("the tool failed on purpose");
    assertThat(response.getString("output_text")).isEqualTo("done: Error: the tool failed on purpose");
    assertThat(response.getString("status")).isEqualTo("completed");
  }

  @Test
  void maxToolCallsEndsTheTurnIncomplete() {
    provider.behave((body, response) -> toolCalls(calls, body, response));
    JsonObject response = gateway.post("/v1/responses", request("never").put("max_tool_calls", 2)).json();

    assertThat(response.getString("status")).isEqualTo("incomplete");
    assertThat(response.getJsonObject("incomplete_details").getString("reason")).isEqualTo("max_tool_calls");
    assertThat(types(response.getJsonArray("output")).stream().filter("mcp_call"::equals)).hasSize(2);
  }

  @Test
  void credentialsReachTheMcpServerOnlyAndAreNeverStoredOrSentUpstream() {
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(logging);
    encoder.setPattern("%level %logger %msg %kvp %ex%n");
    encoder.start();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(logging);
    appender.setEncoder(encoder);
    appender.setOutputStream(captured);
    appender.start();
    Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    logging.getLogger("io.parley").setLevel(Level.TRACE);
    JsonObject response;
    try {
      response = gateway.post("/v1/responses", request("never")).json();
      calls = List.<String[]>of(new String[] {"vault__fail", "{}"});
      gateway.post("/v1/responses", request("never"));
    } finally {
      root.detachAppender(appender);
      logging.getLogger("io.parley").setLevel(null);
    }
    String logged;
    synchronized (captured) {
      logged = captured.toString(StandardCharsets.UTF_8);
    }
    assertThat(logged).as("something was logged").isNotBlank().doesNotContain(TOKEN);

    assertThat(mcp.headers()).anySatisfy(h -> assertThat(h.get("authorization")).isEqualTo("Bearer " + TOKEN));
    assertThat(response.encode()).doesNotContain(TOKEN);
    assertThat(gateway.get("/v1/responses/" + response.getString("id")).body()).doesNotContain(TOKEN);
    assertThat(gateway.get("/v1/responses/" + response.getString("id") + "/input_items").body()).doesNotContain(TOKEN);
    provider.requests().forEach(r -> assertThat(r.raw().toString()).doesNotContain(TOKEN));
    JsonObject echoed = response.getJsonArray("tools").getJsonObject(0);
    assertThat(echoed.getString("type")).isEqualTo("mcp");
    assertThat(echoed.getValue("authorization")).isNull();
  }

  @Test
  void anUnreachableServerIs424BeforeTheProviderIsCalled() {
    JsonObject body = new JsonObject().put("model", "m").put("input", "hi").put("tools", new JsonArray()
        .add(new JsonObject().put("type", "mcp").put("server_label", "gone").put("server_url", "http://127.0.0.1:9/mcp")
            .put("require_approval", "never")));
    Gateway.Reply reply = gateway.post("/v1/responses", body);
    Sse.Stream stream = Sse.post(gateway, body.copy().put("stream", true));

    assertThat(reply.status()).isEqualTo(424);
    JsonObject error = reply.json().getJsonObject("error");
    assertThat(error.getString("message")).contains("'gone'");
    assertThat(error.getString("type")).isEqualTo("external_connector_error");
    assertThat(stream.status()).as("listing happens before the stream starts").isEqualTo(424);
    assertThat(provider.requests()).isEmpty();
  }

  @Test
  void aServerWithoutItsTokenIs424() {
    JsonObject tool = mcpTool("never");
    tool.remove("authorization");
    Gateway.Reply reply = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "hi")
        .put("tools", new JsonArray().add(tool.put("server_label", "vault2"))));
    assertThat(reply.status()).isEqualTo(424);
    assertThat(reply.body()).contains("vault2").doesNotContain(TOKEN);
  }

  @Test
  void privateNetworkUrlsAreRefusedUnlessTheOperatorAllowsThem() {
    try (Gateway strict = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl()))) {
      Gateway.Reply reply = strict.post("/v1/responses", request("never"));
      assertThat(reply.status()).isEqualTo(400);
      assertThat(reply.json().getJsonObject("error").getString("message")).contains("vault");
      assertThat(provider.requests()).isEmpty();
    }
  }

  @Test
  void aWebSocketTurnRunsTheToolLoopWithTheSameEvents() throws Exception {
    try (ResponsesSocket socket = ResponsesSocket.connect(webSockets, gateway.port())) {
      JsonObject create = ResponsesSocket.create("what is the secret k1?")
          .put("tools", new JsonArray().add(mcpTool("never")));
      socket.send(create);
      List<JsonObject> events = socket.turn();

      List<String> types = events.stream().map(e -> e.getString("type")).toList();
      assertThat(types).containsSubsequence("response.mcp_list_tools.completed", "response.mcp_call_arguments.done",
          "response.mcp_call.completed", "response.completed");
      JsonObject completed = events.get(events.size() - 1).getJsonObject("response");
      assertThat(completed.getString("output_text")).isEqualTo("done: secret-of-k1");
    }
  }

  @Test
  void aBackgroundTurnRunsTheToolLoopAndStoresItsOutput() throws Exception {
    JsonObject queued = gateway.post("/v1/responses", request("never").put("background", true)).json();
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
    assertThat(types(done.getJsonArray("output"))).containsExactly("mcp_list_tools", "mcp_call", "message");
    Sse.Stream replay = Sse.parse(200, "text/event-stream",
        gateway.get("/v1/responses/" + queued.getString("id") + "?stream=true").body());
    assertThat(replay.types()).contains("response.mcp_call.completed", "response.completed");
  }

  @Test
  void aClientThatLeavesCancelsTheRunningToolCallAndTheLoop() throws Exception {
    calls = List.<String[]>of(new String[] {"vault__slow", "{\"ms\":5000}"});
    int slowBefore = mcp.slowCalls().size();
    long startedBefore = mcp.slowStartedNanos();
    try (ClientConnection client = ClientConnection.post(gateway.port(), "/v1/responses", request("never"))) {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (mcp.slowStartedNanos() == startedBefore && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(mcp.slowStartedNanos()).as("the slow tool started").isNotEqualTo(startedBefore);
      long closed = client.closeNow();
      while (mcp.slowCalls().size() == slowBefore && System.nanoTime() - closed < 2_000_000_000L) {
        Thread.sleep(5);
      }
      assertThat(mcp.slowCalls()).hasSize(slowBefore + 1);
      McpTestServer.SlowCall call = mcp.slowCalls().get(slowBefore);
      assertThat(call.cancelled()).as("the MCP server was told to stop").isTrue();
      long ms = (call.stoppedNanos() - closed) / 1_000_000;
      System.out.println("[mcp-cancel] tool call stopped " + ms + " ms after the client left");
      assertThat(ms).isLessThan(1000);
    }
    Thread.sleep(200);
    assertThat(provider.requests()).as("no second model round after the client left").hasSize(1);
  }

  @Test
  void aServerRegisteredByTheOperatorIsUsedByLabelWithItsOwnCredentialsAndOnlyByItsTenants() {
    String servers = new JsonObject().put("vault", new JsonObject().put("url", mcp.url())
        .put("headers", new JsonObject().put("Authorization", "env:VAULT_TOKEN"))
        .put("tenants", new JsonArray().add("acme"))).encode();
    try (Gateway registered = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(),
        "PARLEY_MCP_ALLOW_PRIVATE_NETWORKS", "true", "PARLEY_API_KEYS", "acme=sk-acme-1,globex=sk-globex-1",
        "PARLEY_MCP_SERVERS", servers, "VAULT_TOKEN", "Bearer " + TOKEN))) {
      JsonObject byLabel = new JsonObject().put("model", "m").put("input", "secret?").put("tools", new JsonArray()
          .add(new JsonObject().put("type", "mcp").put("server_label", "vault").put("require_approval", "never")));

      Gateway.Reply acme = registered.as("sk-acme-1").post("/v1/responses", byLabel);
      Gateway.Reply globex = registered.as("sk-globex-1").post("/v1/responses", byLabel);

      assertThat(acme.status()).as(acme.body()).isEqualTo(200);
      assertThat(acme.json().getString("output_text")).isEqualTo("done: secret-of-k1");
      assertThat(acme.body()).doesNotContain(TOKEN);
      assertThat(globex.status()).as("another tenant cannot use acme's server").isEqualTo(400);
      assertThat(globex.json().getJsonObject("error").getString("param")).isEqualTo("tools.server_url");
    }
  }

  @Test
  void unsupportedMcpFieldsAre400() {
    Gateway.Reply reply = gateway.post("/v1/responses", new JsonObject().put("model", "m").put("input", "hi")
        .put("tools", new JsonArray().add(new JsonObject().put("type", "mcp").put("server_label", "drive")
            .put("connector_id", "connector_googledrive"))));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().getJsonObject("error").getString("param")).isEqualTo("tools[0].connector_id");
  }
}
