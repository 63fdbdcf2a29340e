package io.parley.mcp;

/**
 * Why an MCP call could not be made. Its message may name the server's label and the URL's host, never a
 * header, an argument or a tool's output.
 */
public final class McpException extends RuntimeException {

  private final String kind;

  /**
   * @param kind {@code unreachable}, {@code http_<status>}, {@code protocol}, {@code timeout}, {@code too_large},
   *             {@code refused_url} or {@code cancelled}
   */
  public McpException(String kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public String kind() {
    return kind;
  }

  static McpException status(int status, String host) {
    return new McpException("http_" + status, "MCP server " + host + " answered HTTP " + status);
  }

  static McpException protocol(String host, String what) {
    return new McpException("protocol", "MCP server " + host + ": " + what);
  }
}
