package io.parley.turn;

import io.parley.hosted.CodeRunner;
import io.parley.protocol.CodeInterpreterCalls;
import io.parley.protocol.ServerTool;
import io.parley.upstream.Cancellation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Set;

/**
 * A turn's hosted {@code code_interpreter}, run on the operator's sandbox. Every call of the turn names the same
 * container: the id the request gave, or one made for the turn for {@code {"type": "auto"}}. Whether state
 * survives between calls is the sandbox's to say; Parley sends each call's code alone.
 */
final class CodeInterpreterTool implements ServerSideTools {

  private final CodeRunner runner;
  private final ServerTool tool;

  CodeInterpreterTool(CodeRunner runner, String containerId) {
    this.runner = runner;
    this.tool = CodeInterpreterCalls.tool(containerId);
  }

  @Override
  public Set<String> replaces() {
    return Set.of(CodeInterpreterCalls.TOOL_TYPE);
  }

  @Override
  public JsonArray functions() {
    return new JsonArray().add(CodeInterpreterCalls.function());
  }

  @Override
  public Map<String, ServerTool> targets() {
    return Map.of(CodeInterpreterCalls.FUNCTION, tool);
  }

  @Override
  public boolean runs(JsonObject pending) {
    return "code_interpreter_call".equals(pending.getString("type"));
  }

  @Override
  public Future<JsonObject> run(JsonObject pending, Cancellation cancel) {
    String code = CodeInterpreterCalls.code(pending);
    if (code == null || code.isBlank()) {
      return Future.succeededFuture(CodeInterpreterCalls.finished(pending, "No code was given: call python with {\"code\": ...}.",
          true));
    }
    return runner.run(code, cancel).map(run -> CodeInterpreterCalls.finished(pending, run.output(), run.failed()));
  }
}
