package io.parley.protocol;

/**
 * What a function name offered to the model stands for when Parley runs it: a tool of an MCP server, and
 * whether each call needs the client's approval first.
 */
public record McpTarget(String label, String tool, boolean approval) {
}
