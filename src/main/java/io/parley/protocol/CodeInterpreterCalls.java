package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The hosted {@code code_interpreter} tool as Parley runs it: offered to the model as a {@code python(code)}
 * function, each call a {@code code_interpreter_call} item whose code streams as it is written. The item keeps
 * what the run printed ({@code outputs}, as logs) so later turns tell the model the same; a client sees it only
 * when {@code include} asks ({@code code_interpreter_call.outputs}).
 */
public final class CodeInterpreterCalls {

  /** The function the model calls. */
  public static final String FUNCTION = "python";

  /** The request tool type that asks for it. */
  public static final String TOOL_TYPE = "code_interpreter";

  static final String OUTPUTS = "code_interpreter_call.outputs";

  private CodeInterpreterCalls() {
  }

  /** The function offered to the model in place of the hosted tool. */
  public static JsonObject function() {
    return new JsonObject().put("type", "function").put("name", FUNCTION)
        .put("description", "Runs Python code in a sandbox and returns what it printed (stdout and stderr). Use it"
            + " to calculate, transform data or check your work; print what you need to see.")
        .put("parameters", new JsonObject().put("type", "object")
            .put("properties", new JsonObject().put("code", new JsonObject().put("type", "string")
                .put("description", "The Python code to run.")))
            .put("required", new JsonArray().add("code"))
            .put("additionalProperties", false))
        .put("strict", null);
  }

  /** What the model's calls to {@link #FUNCTION} become, in the container named {@code containerId}. */
  public static ServerTool tool(String containerId) {
    return new ServerTool() {
      @Override
      public String idPrefix() {
        return "ci";
      }

      @Override
      public JsonObject item(String id, String arguments) {
        return new JsonObject().put("type", "code_interpreter_call").put("id", id).put("status", "in_progress")
            .put("container_id", containerId).put("code", codeOf(arguments)).put("outputs", null);
      }

      @Override
      public JsonObject announced(String id) {
        return item(id, null).put("code", "");
      }

      @Override
      public List<String> announcedEvents() {
        return CALLS.announcedEvents();
      }

      @Override
      public StreamedArguments streamedArguments() {
        CodeArguments reader = new CodeArguments();
        return new StreamedArguments() {
          @Override
          public List<JsonObject> delta(String fragment) {
            String code = reader.feed(fragment);
            return code.isEmpty() ? List.of()
                : List.of(new JsonObject().put("type", "response.code_interpreter_call_code.delta").put("delta", code));
          }

          @Override
          public List<JsonObject> done(String arguments) {
            String code = codeOf(arguments);
            return List.of(new JsonObject().put("type", "response.code_interpreter_call_code.done")
                .put("code", code == null ? "" : code));
          }
        };
      }
    };
  }

  /** The code of a call, or {@code null} if the model gave none. */
  public static String code(JsonObject item) {
    return item.getValue("code") instanceof String code ? code : null;
  }

  /** The finished call with what the run printed; {@code failed} when the code could not run or the run failed. */
  public static JsonObject finished(JsonObject pending, String logs, boolean failed) {
    JsonArray outputs = new JsonArray();
    if (logs != null && !logs.isEmpty()) {
      outputs.add(new JsonObject().put("type", "logs").put("logs", logs));
    }
    return pending.copy().put("status", failed ? "failed" : "completed").put("outputs", outputs);
  }

  static final ServerCalls.Kind CALLS = new ServerCalls.Kind() {
    @Override
    public String functionName(JsonObject item) {
      return FUNCTION;
    }

    @Override
    public String arguments(JsonObject item) {
      String code = code(item);
      return code == null ? "{}" : new JsonObject().put("code", code).encode();
    }

    @Override
    public String resultText(JsonObject item) {
      String logs = logs(item);
      if ("failed".equals(item.getString("status"))) {
        return "Error: " + (logs.isEmpty() ? "the code could not be run." : logs);
      }
      if (!(item.getValue("outputs") instanceof JsonArray)) {
        return "(its output is not available any more)";
      }
      return logs.isEmpty() ? "(no output)" : logs;
    }

    @Override
    public JsonObject announced(JsonObject item) {
      return tool(item.getString("container_id")).announced(item.getString("id"));
    }

    @Override
    public List<String> announcedEvents() {
      return List.of("response.code_interpreter_call.in_progress");
    }

    @Override
    public List<JsonObject> argumentEvents(JsonObject item) {
      String code = code(item) == null ? "" : code(item);
      return List.of(new JsonObject().put("type", "response.code_interpreter_call_code.delta").put("delta", code),
          new JsonObject().put("type", "response.code_interpreter_call_code.done").put("code", code));
    }

    @Override
    public String runningEvent() {
      return "response.code_interpreter_call.interpreting";
    }

    @Override
    public String endedEvent(JsonObject finished) {
      return "completed".equals(finished.getString("status")) ? "response.code_interpreter_call.completed" : null;
    }

    @Override
    public JsonObject present(JsonObject item, OutputView view) {
      return view.includes(OUTPUTS) || item.getValue("outputs") == null ? item : item.copy().put("outputs", null);
    }
  };

  private static String logs(JsonObject item) {
    StringBuilder logs = new StringBuilder();
    if (item.getValue("outputs") instanceof JsonArray outputs) {
      for (Object o : outputs) {
        if (o instanceof JsonObject output && output.getValue("logs") instanceof String text) {
          logs.append(text);
        }
      }
    }
    return logs.toString();
  }

  private static String codeOf(String arguments) {
    if (arguments == null || arguments.isBlank()) {
      return null;
    }
    try {
      return new JsonObject(arguments).getValue("code") instanceof String code ? code : null;
    } catch (RuntimeException notAnObject) {
      return null;
    }
  }
}
