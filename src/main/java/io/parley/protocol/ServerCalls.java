package io.parley.protocol;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * The output items of the tool calls Parley runs itself ({@code mcp_call}; {@code web_search_call} and
 * {@code code_interpreter_call} when an operator backend runs them), by item type: how each is told to the
 * model (as the function call it made and the tool message it got back, byte for byte the same on every later
 * turn), which events mark it running and done, and what of it a client sees. A new kind is one more entry.
 */
public final class ServerCalls {

  /** One item type of calls Parley runs. */
  interface Kind {

    /** The function the model called, as it was offered to it. */
    String functionName(JsonObject item);

    /** The call's arguments as the model is shown them. */
    String arguments(JsonObject item);

    /** What the model was told the call returned (or what went wrong), from the item alone. */
    String resultText(JsonObject item);

    /** The item as {@code response.output_item.added} announced it, before its arguments streamed. */
    JsonObject announced(JsonObject item);

    /** Event types that follow the announcement at once (as {@link ServerTool#announcedEvents()}). */
    default List<String> announcedEvents() {
      return List.of();
    }

    /** The events its streamed arguments gave, as one delta (shaped as {@link ServerTool.StreamedArguments}'s). */
    default List<JsonObject> argumentEvents(JsonObject item) {
      return List.of();
    }

    /** The event type that marks the call running (e.g. {@code response.mcp_call.in_progress}). */
    String runningEvent();

    /** The event type that marks the finished call done, or {@code null} if its status has none. */
    String endedEvent(JsonObject finished);

    /** The item as a client sees it: parts that only {@code include} asks for are left out otherwise. */
    default JsonObject present(JsonObject item, OutputView view) {
      return item;
    }
  }

  /** A call as the model saw it: a function call and the tool output answering it. */
  public record AsFunction(String callId, String name, String arguments, String output) {
  }

  private static final Map<String, Kind> KINDS = Map.of("mcp_call", McpCalls.CALLS,
      "web_search_call", WebSearchCalls.CALLS, "code_interpreter_call", CodeInterpreterCalls.CALLS);

  private ServerCalls() {
  }

  static Kind kind(Object itemType) {
    return itemType instanceof String type ? KINDS.get(type) : null;
  }

  /** Whether items of this type are calls Parley runs. */
  public static boolean isCall(String itemType) {
    return KINDS.containsKey(itemType);
  }

  /** Whether an output item is a call Parley has yet to run. */
  public static boolean isPending(JsonObject item) {
    return kind(item.getValue("type")) != null && "in_progress".equals(item.getValue("status"));
  }

  /** The event type that marks this call running. */
  public static String runningEvent(JsonObject item) {
    return kind(item.getValue("type")).runningEvent();
  }

  /** The event type that marks this finished call done, or {@code null}. */
  public static String endedEvent(JsonObject finished) {
    return kind(finished.getValue("type")).endedEvent(finished);
  }

  /** The call as the model saw it, or {@code null} if the item is no call Parley runs. */
  static AsFunction asFunction(JsonObject item) {
    Kind kind = kind(item.getValue("type"));
    if (kind == null) {
      return null;
    }
    return new AsFunction(item.getString("id"), kind.functionName(item), kind.arguments(item), kind.resultText(item));
  }
}
