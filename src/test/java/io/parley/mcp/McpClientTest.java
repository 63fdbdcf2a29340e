package io.parley.mcp;

import io.parley.testing.McpTestServer;
import io.parley.upstream.Cancellation;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The MCP client against the official SDK's server (Streamable HTTP and legacy HTTP+SSE, on loopback, so these
 * clients allow private networks) and a hand-written one that paginates.
 */
@ExtendWith(VertxExtension.class)
class McpClientTest {

  private static final Duration CALL = Duration.ofSeconds(10);
  private static McpTestServer open;
  private static McpTestServer guarded;
  private static McpTestServer legacy;

  private Vertx vertx;
  private McpClient client;

  @BeforeAll
  static void startServers() {
    open = McpTestServer.start();
    guarded = McpTestServer.start(false, "t0ken-s3cret", 0);
    legacy = McpTestServer.start(true, null, 0);
  }

  @AfterAll
  static void stopServers() {
    open.close();
    guarded.close();
    legacy.close();
  }

  @BeforeEach
  void createClient() {
    vertx = Vertx.vertx();
    client = McpClient.create(vertx, loopback(McpOptions.defaults()));
  }

  @AfterEach
  void closeClient() {
    client.close().await();
    vertx.close().await();
  }

  private static McpOptions loopback(McpOptions options) {
    return new McpOptions(true, options.listingTtl(), options.sessionTtl(), options.maxResponseBytes(),
        options.maxListPages(), options.connectTimeout());
  }

  private static McpServer server(McpTestServer server) {
    return new McpServer("test", server.url(), Map.of());
  }

  private static JsonObject args(Object... pairs) {
    JsonObject json = new JsonObject();
    for (int i = 0; i < pairs.length; i += 2) {
      json.put((String) pairs[i], pairs[i + 1]);
    }
    return json;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static McpException failure(Future<?> future) {
    try {
      await(future);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(McpException.class);
      return (McpException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void listsAndCallsToolsOfTheSdkServer() throws Exception {
    List<McpTool> tools = await(client.listTools(server(open), new Cancellation()));
    assertThat(tools).extracting(McpTool::name).contains("lookup_secret", "add", "fail", "slow", "big");
    McpTool add = tools.stream().filter(tool -> tool.name().equals("add")).findFirst().orElseThrow();
    assertThat(add.description()).isEqualTo("Adds two numbers");
    assertThat(add.inputSchema().getJsonObject("properties").getJsonObject("a").getString("type")).isEqualTo("number");

    McpResult sum = await(client.callTool(server(open), "add", args("a", 2, "b", 40), CALL, new Cancellation()));
    assertThat(sum.isError()).isFalse();
    assertThat(sum.text()).isEqualTo("42");
    assertThat(sum.content().getJsonObject(0).getString("type")).isEqualTo("text");
    McpResult secret = await(client.callTool(server(open), "lookup_secret", args("key", "alpha"), CALL,
        new Cancellation()));
    assertThat(secret.text()).isEqualTo("secret-of-alpha");
  }

  @Test
  void followsEveryPageOfTheListing() throws Exception {
    PagedMcpServer paged = PagedMcpServer.start(vertx, 25, 10);
    try {
      List<McpTool> tools = await(client.listTools(new McpServer("paged", paged.url(), Map.of()), new Cancellation()));
      assertThat(tools).hasSize(25);
      assertThat(tools.get(24).name()).isEqualTo("paged_24");
      assertThat(tools.get(0).annotations().getBoolean("readOnlyHint")).isTrue();
      assertThat(paged.count("tools/list")).isEqualTo(3);
    } finally {
      paged.close();
    }
  }

  @Test
  void stopsAtTheMaximumNumberOfPages() throws Exception {
    PagedMcpServer paged = PagedMcpServer.start(vertx, 100, 10);
    McpOptions defaults = McpOptions.defaults();
    McpClient twoPages = McpClient.create(vertx, new McpOptions(true, defaults.listingTtl(), defaults.sessionTtl(),
        defaults.maxResponseBytes(), 2, defaults.connectTimeout()));
    try {
      assertThat(await(twoPages.listTools(new McpServer("paged", paged.url(), Map.of()), new Cancellation())))
          .hasSize(20);
      assertThat(paged.count("tools/list")).isEqualTo(2);
    } finally {
      twoPages.close().await();
      paged.close();
    }
  }

  @Test
  void aSecondListingWithinItsTtlAsksTheServerNothing() throws Exception {
    int initializes = open.count("initialize");
    int lists = open.count("tools/list");
    await(client.listTools(server(open), new Cancellation()));
    await(client.listTools(server(open), new Cancellation()));
    assertThat(open.count("tools/list") - lists).isEqualTo(1);
    await(client.callTool(server(open), "add", args("a", 1, "b", 1), CALL, new Cancellation()));
    assertThat(open.count("initialize") - initializes).as("the session is reused").isEqualTo(1);
    assertThat(open.count("tools/call")).isPositive();
  }

  @Test
  void listingsAreNotSharedBetweenCredentials() throws Exception {
    int lists = guarded.count("tools/list");
    McpServer alice = new McpServer("g", guarded.url(), Map.of("Authorization", "Bearer t0ken-s3cret"));
    McpServer bob = new McpServer("g", guarded.url(), Map.of("Authorization", "Bearer wrong"));
    assertThat(alice.cacheKey()).isNotEqualTo(bob.cacheKey());
    await(client.listTools(alice, new Cancellation()));
    assertThat(failure(client.listTools(bob, new Cancellation())).kind()).isEqualTo("http_401");
    assertThat(guarded.count("tools/list") - lists).isEqualTo(1);
  }

  @Test
  void theBearerTokenReachesTheServerAndItsAbsenceIsHttp401() throws Exception {
    int seen = guarded.headers().size();
    McpServer withToken = new McpServer("g", guarded.url(), Map.of("Authorization", "Bearer t0ken-s3cret"));
    McpResult sum = await(client.callTool(withToken, "add", args("a", 1, "b", 2), CALL, new Cancellation()));
    assertThat(sum.text()).isEqualTo("3");
    List<Map<String, String>> sent = guarded.headers().subList(seen, guarded.headers().size());
    assertThat(sent).hasSize(3)
        .allSatisfy(headers -> assertThat(headers).containsEntry("authorization", "Bearer t0ken-s3cret"));
    List<Map<String, String>> afterInit = sent.subList(1, sent.size());
    assertThat(afterInit).allSatisfy(headers -> assertThat(headers).containsKey("mcp-session-id")
        .containsEntry("mcp-protocol-version", "2025-06-18"));

    McpException missing = failure(client.listTools(new McpServer("g", guarded.url(), Map.of()), new Cancellation()));
    assertThat(missing.kind()).isEqualTo("http_401");
    assertThat(missing.getMessage()).doesNotContain("t0ken");
  }

  @Test
  void aToolErrorIsAResultNotAFailure() throws Exception {
    McpResult failed = await(client.callTool(server(open), "fail", new JsonObject(), CALL, new Cancellation()));
    assertThat(failed.isError()).isTrue();
    assertThat(failed.text()).isEqualTo("the tool failed on purpose");

    McpResult unknown = await(client.callTool(server(open), "no_such_tool", new JsonObject(), CALL,
        new Cancellation()));
    assertThat(unknown.isError()).isTrue();
    assertThat(unknown.text()).containsIgnoringCase("unknown tool");
  }

  @Test
  void aPortNobodyListensOnIsUnreachable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    McpServer nobody = new McpServer("none", "http://127.0.0.1:" + port + "/mcp", Map.of());
    assertThat(failure(client.listTools(nobody, new Cancellation())).kind()).isEqualTo("unreachable");
    assertThat(failure(client.callTool(nobody, "add", new JsonObject(), CALL, new Cancellation())).kind())
        .isEqualTo("unreachable");
  }

  @Test
  void fallsBackToTheLegacySseTransport() throws Exception {
    int initializes = legacy.count("initialize");
    List<McpTool> tools = await(client.listTools(server(legacy), new Cancellation()));
    assertThat(tools).extracting(McpTool::name).contains("add", "slow");
    McpResult sum = await(client.callTool(server(legacy), "add", args("a", 20, "b", 22), CALL, new Cancellation()));
    assertThat(sum.text()).isEqualTo("42");
    McpResult failed = await(client.callTool(server(legacy), "fail", new JsonObject(), CALL, new Cancellation()));
    assertThat(failed.isError()).isTrue();
    assertThat(legacy.count("initialize") - initializes)
        .as("one refused by the legacy server as a Streamable HTTP POST, one on its event stream, then reused")
        .isEqualTo(2);
  }

  @Test
  void aForgottenSessionIsInitializedAgain() throws Exception {
    int initializes = open.count("initialize");
    await(client.callTool(server(open), "add", args("a", 1, "b", 1), CALL, new Cancellation()));
    open.forgetSessions();
    McpResult again = await(client.callTool(server(open), "add", args("a", 2, "b", 2), CALL, new Cancellation()));
    assertThat(again.text()).isEqualTo("4");
    assertThat(open.count("initialize") - initializes).isEqualTo(2);
  }

  @Test
  void cancellingARunningCallFailsItAtOnceAndTellsTheServer() throws Exception {
    Cancellation cancel = new Cancellation();
    long before = open.slowStartedNanos();
    Context context = vertx.getOrCreateContext();
    long[] cancelledAt = {0};
    long[] failedAt = {0};
    Future<McpResult> call = Future.future(promise -> context.runOnContext(ignored -> {
      client.callTool(server(open), "slow", args("ms", 5000), CALL, cancel)
          .onComplete(done -> failedAt[0] = System.nanoTime())
          .onComplete(promise);
      vertx.setPeriodic(2, id -> {
        if (open.slowStartedNanos() != before) {
          vertx.cancelTimer(id);
          cancelledAt[0] = System.nanoTime();
          cancel.cancel();
        }
      });
    }));
    McpException failure = failure(call);
    long ms = (failedAt[0] - cancelledAt[0]) / 1_000_000;
    System.out.printf("MCP cancel latency: %.3f ms on the event loop%n", (failedAt[0] - cancelledAt[0]) / 1e6);
    assertThat(failure.kind()).isEqualTo("cancelled");
    assertThat(ms).isLessThan(100);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (open.slowCalls().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    McpTestServer.SlowCall slow = open.slowCalls().get(open.slowCalls().size() - 1);
    assertThat(slow.cancelled()).as("the server was told to stop").isTrue();
    System.out.println("MCP server stopped the slow tool " + (slow.stoppedNanos() - cancelledAt[0]) / 1_000_000
        + " ms after the cancel");
  }

  @Test
  void aCallPastItsTimeoutFailsWithTimeout() throws Exception {
    long start = System.nanoTime();
    McpException failure = failure(client.callTool(server(open), "slow", args("ms", 3000), Duration.ofMillis(300),
        new Cancellation()));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(failure.kind()).isEqualTo("timeout");
    assertThat(ms).isBetween(250L, 2000L);
  }

  @Test
  void privateAndLocalAddressesAreRefusedUnlessAllowed() throws Exception {
    McpClient strict = McpClient.create(vertx, McpOptions.defaults());
    try {
      for (String url : List.of(open.url(), "http://[::1]:" + open.port() + "/mcp", "http://localhost:1/mcp")) {
        McpException refused = failure(strict.listTools(
            new McpServer("s", url, Map.of("Authorization", "Bearer t0ken-s3cret")), new Cancellation()));
        assertThat(refused.kind()).as(url).isEqualTo("refused_url");
        assertThat(refused.getMessage()).doesNotContain("t0ken").doesNotContain("/mcp");
      }
      McpException named = failure(strict.callTool(new McpServer("s", "http://127.0.0.1:9/mcp?key=k3y", Map.of()),
          "add", new JsonObject(), CALL, new Cancellation()));
      assertThat(named.kind()).isEqualTo("refused_url");
      assertThat(named.getMessage()).contains("127.0.0.1").doesNotContain("k3y");
      assertThat(failure(strict.listTools(new McpServer("s", "ftp://example.com/mcp", Map.of()), new Cancellation()))
          .kind()).isEqualTo("refused_url");
    } finally {
      strict.close().await();
    }
    // No traffic may go to these, so they are checked by the guard alone, which never connects.
    UrlGuard guard = new UrlGuard(vertx, false);
    for (String url : List.of("http://10.0.0.1/mcp", "http://169.254.169.254/latest", "http://192.168.1.1/",
        "http://172.16.0.1/", "http://100.64.0.1/", "http://0.0.0.0/", "http://224.0.0.1/", "http://[fd00::1]/",
        "http://[fe80::1]/", "http://[::ffff:10.0.0.1]/", "http://[64:ff9b::a9fe:a9fe]/")) {
      assertThat(failure(guard.check(url)).kind()).as(url).isEqualTo("refused_url");
    }
    assertThat(await(new UrlGuard(vertx, true).check("http://10.0.0.1:8080/x?y=1")).uri()).isEqualTo("/x?y=1");
    assertThat(await(guard.check("https://93.184.215.14/mcp")).port()).isEqualTo(443);
  }

  @Test
  void callbacksArriveOnTheCallersEventLoop(VertxTestContext test) {
    Context first = vertx.getOrCreateContext();
    Context second = vertx.getOrCreateContext();
    first.runOnContext(ignored -> client.listTools(server(open), new Cancellation())
        .compose(tools -> {
          test.verify(() -> assertThat(Vertx.currentContext()).isSameAs(first));
          return client.listTools(server(legacy), new Cancellation());
        })
        .onComplete(test.succeeding(tools -> {
          test.verify(() -> assertThat(Vertx.currentContext()).isSameAs(first));
          // sessions opened on the first loop, used from the second: the legacy answer is read by the first
          second.runOnContext(again -> client.callTool(server(legacy), "add", args("a", 1, "b", 2), CALL,
                  new Cancellation())
              .compose(sum -> {
                test.verify(() -> assertThat(Vertx.currentContext()).isSameAs(second));
                return client.callTool(server(open), "add", args("a", 1, "b", 2), CALL, new Cancellation());
              })
              .onComplete(test.succeeding(sum -> test.verify(() -> {
                assertThat(Vertx.currentContext()).isSameAs(second);
                assertThat(Context.isOnEventLoopThread()).isTrue();
                assertThat(sum.text()).isEqualTo("3");
                test.completeNow();
              }))));
        })));
  }

  @Test
  void anAnswerOverTheSizeLimitIsTooLarge() throws Exception {
    McpOptions defaults = McpOptions.defaults();
    McpClient small = McpClient.create(vertx, new McpOptions(true, defaults.listingTtl(), defaults.sessionTtl(),
        64 * 1024, defaults.maxListPages(), defaults.connectTimeout()));
    try {
      McpResult fits = await(small.callTool(server(open), "big", args("bytes", 1000), CALL, new Cancellation()));
      assertThat(fits.text()).hasSize(1000);
      McpException tooLarge = failure(small.callTool(server(open), "big", args("bytes", 1_000_000), CALL,
          new Cancellation()));
      assertThat(tooLarge.kind()).isEqualTo("too_large");
      McpException legacyTooLarge = failure(small.callTool(server(legacy), "big", args("bytes", 1_000_000), CALL,
          new Cancellation()));
      assertThat(legacyTooLarge.kind()).isEqualTo("too_large");
    } finally {
      small.close().await();
    }
  }

  @Test
  void aRedirectIsAnErrorNotFollowed() throws Exception {
    PagedMcpServer paged = PagedMcpServer.start(vertx, 1, 10);
    try {
      McpException moved = failure(client.listTools(new McpServer("p", paged.movedUrl(), Map.of()),
          new Cancellation()));
      assertThat(moved.kind()).isEqualTo("http_307");
      assertThat(paged.count("initialize")).isZero();
    } finally {
      paged.close();
    }
  }
}
