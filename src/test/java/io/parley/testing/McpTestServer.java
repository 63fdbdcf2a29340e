package io.parley.testing;

import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.vertx.core.json.JsonObject;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real MCP server for tests: the official MCP Java SDK's server on its servlet transports (Streamable HTTP, or
 * the legacy HTTP+SSE one) in an embedded Tomcat on a random loopback port. Tools: {@code lookup_secret {key}},
 * {@code add {a,b}}, {@code fail} (a tool error), {@code slow {ms}} (sleeps on the server, stops early when the
 * client's {@code notifications/cancelled} arrives), {@code big {bytes}} (a large text), {@code test_sandbox_run
 * {code}} (a stand-in for a code sandbox, see {@link TestSandbox}) and {@code test_search {query}} (fixed results
 * as JSON text, a stand-in for a search tool). A filter in front of
 * the SDK counts the JSON-RPC methods it receives, records every request's headers, and can require a bearer
 * token (401 otherwise).
 */
public final class McpTestServer implements AutoCloseable {

  /** What the server was asked of a {@code slow} call: when it started and whether and when it was told to stop. */
  public record SlowCall(long startedNanos, long stoppedNanos, boolean cancelled) {
  }

  private final Tomcat tomcat;
  private final String path;
  private final String token;
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
  private final Set<String> sessionIds = ConcurrentHashMap.newKeySet();
  private final List<SlowCall> slowCalls = new CopyOnWriteArrayList<>();
  private volatile long slowStartedNanos;
  private volatile long cancelNoticeNanos;
  private final McpSyncServer server;
  private final int port;

  private McpTestServer(boolean legacy, String token, int extraTools) throws Exception {
    this.token = token;
    this.path = legacy ? "/sse" : "/mcp";
    HttpServlet transport;
    if (legacy) {
      HttpServletSseServerTransportProvider provider = HttpServletSseServerTransportProvider.builder()
          .sseEndpoint("/sse").messageEndpoint("/message").build();
      transport = provider;
      server = configure(McpServer.sync(provider), extraTools).build();
    } else {
      HttpServletStreamableServerTransportProvider provider = HttpServletStreamableServerTransportProvider.builder()
          .mcpEndpoint("/mcp").build();
      transport = provider;
      server = configure(McpServer.sync(provider), extraTools).build();
    }
    tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory("mcp-test-tomcat").toString());
    Connector connector = new Connector("HTTP/1.1");
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    Wrapper wrapper = Tomcat.addServlet(context, "mcp", transport);
    wrapper.setAsyncSupported(true);
    context.addServletMappingDecoded("/*", "mcp");
    FilterDef recording = new FilterDef();
    recording.setFilterName("recording");
    recording.setFilter(new Recording());
    recording.setAsyncSupported("true");
    context.addFilterDef(recording);
    FilterMap everything = new FilterMap();
    everything.setFilterName("recording");
    everything.addURLPattern("/*");
    context.addFilterMap(everything);
    tomcat.start();
    port = connector.getLocalPort();
  }

  /** A Streamable HTTP server open to anyone. */
  public static McpTestServer start() {
    return start(false, null, 0);
  }

  /**
   * @param legacy     the legacy HTTP+SSE transport (GET /sse, POST /message) instead of Streamable HTTP (/mcp)
   * @param token      the bearer token every request must carry, or {@code null}
   * @param extraTools more tools ({@code tool_0} ...) to make a long listing
   */
  public static McpTestServer start(boolean legacy, String token, int extraTools) {
    try {
      return new McpTestServer(legacy, token, extraTools);
    } catch (Exception e) {
      throw new IllegalStateException("the MCP test server did not start", e);
    }
  }

  private <S extends McpServer.SyncSpecification<S>> McpServer.SyncSpecification<S> configure(
      McpServer.SyncSpecification<S> spec, int extraTools) {
    List<SyncToolSpecification> tools = new ArrayList<>(List.of(
        tool("lookup_secret", "Looks a secret up by key", Map.of("key", "string"),
            args -> text("secret-of-" + args.get("key"))),
        tool("add", "Adds two numbers", Map.of("a", "number", "b", "number"),
            args -> text(String.valueOf(((Number) args.get("a")).longValue() + ((Number) args.get("b")).longValue()))),
        tool("fail", "Always fails", Map.of(),
            args -> CallToolResult.builder().addTextContent("the tool failed on purpose").isError(true).build()),
        tool("slow", "Sleeps for ms milliseconds", Map.of("ms", "number"), this::slow),
        tool("big", "Answers a text of the given size", Map.of("bytes", "number"),
            args -> text("x".repeat(((Number) args.get("bytes")).intValue()))),
        tool("test_sandbox_run", "A test stand-in for a code sandbox, not an interpreter: prints the value of each"
            + " print(<integer arithmetic>) line", Map.of("code", "string"), args -> TestSandbox.run(String.valueOf(args.get("code")))),
        tool("test_search", "A test stand-in for a search tool: two fixed results for any query, as JSON",
            Map.of("query", "string"), args -> text(new io.vertx.core.json.JsonArray()
                .add(new JsonObject().put("url", "https://docs.example/one").put("title", "One: " + args.get("query"))
                    .put("snippet", "The first result."))
                .add(new JsonObject().put("link", "https://docs.example/two").put("title", "Two")
                    .put("description", "The second result.")).encode()))));
    for (int i = 0; i < extraTools; i++) {
      String name = "tool_" + i;
      tools.add(tool(name, "Extra tool " + i, Map.of(), args -> text(name)));
    }
    // The SDK's default schema validator is built against json-schema-validator 2.x; the project's tests pin 1.x.
    JsonSchemaValidator anything = (schema, content) -> JsonSchemaValidator.ValidationResponse.asValid(null);
    return spec.serverInfo("parley-test-mcp", "1.0.0")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
        .jsonSchemaValidator(anything)
        .validateToolInputs(false)
        .tools(tools);
  }

  private static SyncToolSpecification tool(String name, String description, Map<String, String> properties,
      java.util.function.Function<Map<String, Object>, CallToolResult> handler) {
    Map<String, Object> props = new TreeMap<>();
    properties.forEach((key, type) -> props.put(key, Map.of("type", type)));
    Map<String, Object> schema = Map.of("type", "object", "properties", props,
        "required", new ArrayList<>(props.keySet()));
    McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description(description).inputSchema(schema).build();
    return SyncToolSpecification.builder().tool(tool)
        .callHandler((exchange, request) -> handler.apply(request.arguments() == null ? Map.of() : request.arguments()))
        .build();
  }

  private static CallToolResult text(String text) {
    return CallToolResult.builder().addTextContent(text).build();
  }

  /** Sleeps in 5 ms steps, so that a cancel notice that arrives meanwhile is seen within 5 ms. */
  private CallToolResult slow(Map<String, Object> args) {
    long ms = ((Number) args.get("ms")).longValue();
    long start = System.nanoTime();
    slowStartedNanos = start;
    while (System.nanoTime() - start < ms * 1_000_000) {
      long notice = cancelNoticeNanos;
      if (notice != 0 && notice - start > 0) {
        slowCalls.add(new SlowCall(start, System.nanoTime(), true));
        return CallToolResult.builder().addTextContent("stopped").isError(true).build();
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    slowCalls.add(new SlowCall(start, System.nanoTime(), false));
    return text("slept " + ms + " ms");
  }

  /** The URL to give the client: {@code /mcp}, or {@code /sse} for the legacy transport. */
  public String url() {
    return "http://127.0.0.1:" + port + path;
  }

  public int port() {
    return port;
  }

  /** How many JSON-RPC messages with this method the server received. */
  public int count(String method) {
    AtomicInteger count = counts.get(method);
    return count == null ? 0 : count.get();
  }

  /** The headers of every HTTP request received, names in lower case. */
  public List<Map<String, String>> headers() {
    return Collections.unmodifiableList(headers);
  }

  /** When the last {@code slow} call started, or 0. */
  public long slowStartedNanos() {
    return slowStartedNanos;
  }

  /** When the last {@code notifications/cancelled} arrived, or 0. */
  public long cancelNoticeNanos() {
    return cancelNoticeNanos;
  }

  public List<SlowCall> slowCalls() {
    return List.copyOf(slowCalls);
  }

  /**
   * Ends every session the SDK holds (DELETE with its id), so that it answers the next request with 404; 404 to the
   * DELETE is a session already gone (a client that closed).
   */
  public void forgetSessions() throws IOException, InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    for (String id : sessionIds) {
      HttpRequest.Builder delete = HttpRequest.newBuilder(URI.create(url())).DELETE().header("Mcp-Session-Id", id);
      if (token != null) {
        delete.header("Authorization", "Bearer " + token);
      }
      int status = client.send(delete.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status / 100 != 2 && status != 404) {
        throw new IllegalStateException("DELETE of a session answered " + status);
      }
      sessionIds.remove(id);
    }
  }

  @Override
  public void close() {
    try {
      server.closeGracefully();
      tomcat.stop();
      tomcat.destroy();
    } catch (LifecycleException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counts, records headers, checks the bearer token; hands the SDK the body it read. */
  private final class Recording implements Filter {

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
        throws IOException, ServletException {
      HttpServletRequest request = (HttpServletRequest) req;
      Map<String, String> received = new TreeMap<>();
      Collections.list(request.getHeaderNames())
          .forEach(name -> received.put(name.toLowerCase(Locale.ROOT), request.getHeader(name)));
      headers.add(received);
      if (received.containsKey("mcp-session-id") && !"DELETE".equals(request.getMethod())) {
        sessionIds.add(received.get("mcp-session-id"));
      }
      if (token != null && !("Bearer " + token).equals(received.get("authorization"))) {
        ((HttpServletResponse) res).sendError(401);
        return;
      }
      if (!"POST".equals(request.getMethod())) {
        chain.doFilter(req, res);
        return;
      }
      byte[] body = request.getInputStream().readAllBytes();
      try {
        String method = new JsonObject(new String(body, StandardCharsets.UTF_8)).getString("method");
        if (method != null) {
          counts.computeIfAbsent(method, key -> new AtomicInteger()).incrementAndGet();
          if (method.equals("notifications/cancelled")) {
            cancelNoticeNanos = System.nanoTime();
          }
        }
      } catch (RuntimeException notAnObject) {
        // the SDK answers what it makes of it
      }
      chain.doFilter(new ReadAgain(request, body), res);
    }
  }

  private static final class ReadAgain extends HttpServletRequestWrapper {

    private final byte[] body;

    ReadAgain(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException();
        }

        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
