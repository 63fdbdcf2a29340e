package io.parley.hosted;

import io.parley.mcp.McpClient;
import io.parley.mcp.McpException;
import io.parley.mcp.McpServer;
import io.parley.upstream.Cancellation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * Runs code on an MCP server's code-running tool (a sandbox's {@code run_python}, {@code execute_code}, ...),
 * called with {@code {"code": ...}}: its text is what the run printed; a tool error ({@code isError}) is a
 * failed run whose text says why.
 */
final class McpCodeRunner implements CodeRunner {

  private final McpClient client;
  private final McpServer server;
  private final String tool;
  private final Duration timeout;

  McpCodeRunner(McpClient client, McpServer server, String tool, Duration timeout) {
    this.client = client;
    this.server = server;
    this.tool = tool;
    this.timeout = timeout;
  }

  @Override
  public Future<CodeRun> run(String code, Cancellation cancel) {
    return client.callTool(server, tool, new JsonObject().put("code", code), timeout, cancel)
        .map(result -> new CodeRun(result.text(), result.isError()))
        .otherwise(err -> new CodeRun(err instanceof McpException e ? "The sandbox could not run the code: " + e.getMessage()
            : "The sandbox could not run the code.", true));
  }
}
