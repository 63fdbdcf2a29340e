package io.parley.testing;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

/**
 * What {@link McpTestServer}'s {@code test_sandbox_run} tool does: a stand-in for a code sandbox, not a Python
 * interpreter. Each line {@code print(<integer arithmetic>)} prints its value (+, -, *, //, % and parentheses);
 * a line {@code raise ...} fails the run with a traceback-like error (a tool error); other lines do nothing.
 */
final class TestSandbox {

  private TestSandbox() {
  }

  static CallToolResult run(String code) {
    StringBuilder out = new StringBuilder();
    for (String line : code.split("\n")) {
      String trimmed = line.trim();
      if (trimmed.startsWith("raise")) {
        return CallToolResult.builder().addTextContent(out + "Traceback (most recent call last):\n  " + trimmed
            + "\nException: raised on purpose").isError(true).build();
      }
      if (trimmed.startsWith("print(") && trimmed.endsWith(")")) {
        String expression = trimmed.substring(6, trimmed.length() - 1);
        try {
          out.append(new Arithmetic(expression).value()).append('\n');
        } catch (RuntimeException e) {
          return CallToolResult.builder().addTextContent("SyntaxError: cannot evaluate " + expression).isError(true).build();
        }
      }
    }
    return CallToolResult.builder().addTextContent(out.toString()).build();
  }

  /** Integer arithmetic, by recursive descent. */
  private static final class Arithmetic {
    private final String text;
    private int at;

    Arithmetic(String text) {
      this.text = text.replace(" ", "");
    }

    long value() {
      long value = sum();
      if (at != text.length()) {
        throw new IllegalArgumentException("unexpected " + text.substring(at));
      }
      return value;
    }

    private long sum() {
      long value = product();
      while (at < text.length() && (text.charAt(at) == '+' || text.charAt(at) == '-')) {
        value = text.charAt(at++) == '+' ? value + product() : value - product();
      }
      return value;
    }

    private long product() {
      long value = factor();
      while (at < text.length()) {
        if (text.startsWith("//", at)) {
          at += 2;
          value = Math.floorDiv(value, factor());
        } else if (text.charAt(at) == '*') {
          at++;
          value *= factor();
        } else if (text.charAt(at) == '%') {
          at++;
          value = Math.floorMod(value, factor());
        } else {
          break;
        }
      }
      return value;
    }

    private long factor() {
      if (at < text.length() && text.charAt(at) == '-') {
        at++;
        return -factor();
      }
      if (at < text.length() && text.charAt(at) == '(') {
        at++;
        long value = sum();
        if (at >= text.length() || text.charAt(at++) != ')') {
          throw new IllegalArgumentException("missing )");
        }
        return value;
      }
      int start = at;
      while (at < text.length() && Character.isDigit(text.charAt(at))) {
        at++;
      }
      return Long.parseLong(text.substring(start, at));
    }
  }
}
