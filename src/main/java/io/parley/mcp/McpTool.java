package io.parley.mcp;

import io.vertx.core.json.JsonObject;

/**
 * One tool a server lists.
 *
 * @param description {@code null} when the server gave none
 * @param inputSchema never {@code null}: {@code {"type":"object"}} when the server gave none
 * @param annotations {@code null} when the server gave none
 */
public record McpTool(String name, String description, JsonObject inputSchema, JsonObject annotations) {
}
