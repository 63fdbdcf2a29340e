package io.parley.protocol;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What a function offered to the model stands for when Parley runs the calls to it (a tool of an MCP server, a
 * hosted {@code web_search} or {@code code_interpreter}): the output item a call becomes, and the events that
 * announce it while the model streams its arguments. One implementation per kind of item; the translators
 * and the tool loop ask these methods and never look at the kind.
 */
public interface ServerTool {

  /** The prefix of the ids of the items this tool's calls become ({@code mcp}, {@code ws}, {@code ci}). */
  String idPrefix();

  /**
   * The item for a call the model made with these (complete) arguments: in progress, for Parley to run next
   * ({@link ServerCalls#isPending}), or already done and waiting for the client (an MCP approval request).
   */
  JsonObject item(String id, String arguments);

  /** {@link #item(String, String)} with a fresh id. */
  default JsonObject item(String arguments) {
    return item(Ids.newItemId(idPrefix()), arguments);
  }

  /** The item as {@code response.output_item.added} announces it, before its arguments have streamed. */
  default JsonObject announced(String id) {
    return item(id, "");
  }

  /** Event types that follow the announcement at once (e.g. {@code response.web_search_call.in_progress}). */
  default List<String> announcedEvents() {
    return List.of();
  }

  /** What turns the arguments the model streams for one call into events; one per streamed call. */
  default StreamedArguments streamedArguments() {
    return StreamedArguments.SILENT;
  }

  /**
   * The events a tool gives for the arguments of one call while the model streams them, each as its {@code type}
   * and fields (the caller numbers them and adds {@code item_id} and {@code output_index}).
   */
  interface StreamedArguments {

    StreamedArguments SILENT = new StreamedArguments() {
    };

    /** Events for one more fragment of the arguments. */
    default List<JsonObject> delta(String fragment) {
      return List.of();
    }

    /** Events once the arguments are complete. */
    default List<JsonObject> done(String arguments) {
      return List.of();
    }
  }
}
