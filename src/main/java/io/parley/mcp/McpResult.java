package io.parley.mcp;

import io.vertx.core.json.JsonArray;

/**
 * What a {@code tools/call} came back with. A tool that failed ({@code isError: true}) or a JSON-RPC error on
 * the call is a result with {@code isError} set, for the model to read, not a failure of the call.
 *
 * @param text    the text parts of {@code content} joined by newlines (the structured content's JSON when
 *                there are none; the error message for a JSON-RPC error)
 * @param content the raw {@code content} array
 */
public record McpResult(String text, boolean isError, JsonArray content) {
}
