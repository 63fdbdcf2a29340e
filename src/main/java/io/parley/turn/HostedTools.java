package io.parley.turn;

import io.parley.hosted.HostedBackends;
import io.parley.protocol.ApiError;
import io.parley.protocol.CodeInterpreterCalls;
import io.parley.protocol.HostedToolSpec;
import io.parley.protocol.Ids;
import io.parley.protocol.WebSearchCalls;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The hosted tools of a turn that Parley runs on the operator's backends: one {@link ServerSideTools} for each
 * hosted tool of the request that has a backend (the request parser already refused those without one, for a
 * provider that cannot take them).
 */
final class HostedTools {

  private final HostedBackends backends;

  HostedTools(HostedBackends backends) {
    this.backends = backends;
  }

  /** The turn's hosted tools; 400 when one would clash with a client function or is closed to the tenant. */
  List<ServerSideTools> forTurn(Turn turn) {
    JsonArray tools = turn.request().raw().getJsonArray("tools", new JsonArray());
    List<ServerSideTools> hosted = new ArrayList<>();
    for (int i = 0; i < tools.size(); i++) {
      JsonObject tool = tools.getJsonObject(i);
      String kind = HostedToolSpec.kind(tool.getValue("type"));
      if (kind == null || !backends.kinds().contains(kind)) {
        continue;
      }
      String param = "tools[" + i + "]";
      if (!backends.openTo(kind, turn.tenant())) {
        throw ApiError.invalidValue(param + ".type", "The hosted tool '" + kind + "' is not available to this tenant.");
      }
      String function = kind.equals(HostedToolSpec.WEB_SEARCH) ? WebSearchCalls.FUNCTION : CodeInterpreterCalls.FUNCTION;
      refuseClash(tools, function, kind);
      hosted.add(kind.equals(HostedToolSpec.WEB_SEARCH)
          ? new WebSearchTool(backends.webSearch(),
              backends.webSearchResults().forSize(HostedToolSpec.searchContextSize(tool)),
              HostedToolSpec.allowedDomains(tool).stream().map(String::valueOf).toList())
          : new CodeInterpreterTool(backends.codeInterpreter(), containerId(tool)));
    }
    return hosted;
  }

  /** The model is offered the hosted tool as a function of this name: a client function cannot have it too. */
  private static void refuseClash(JsonArray tools, String function, String kind) {
    for (int i = 0; i < tools.size(); i++) {
      JsonObject tool = tools.getJsonObject(i);
      if ("function".equals(tool.getValue("type")) && function.equals(tool.getValue("name"))) {
        throw ApiError.invalidValue("tools[" + i + "].name", "The function name '" + function + "' is taken by the hosted"
            + " " + kind + " tool in this request: name the function otherwise.");
      }
    }
  }

  private static String containerId(JsonObject tool) {
    String given = HostedToolSpec.containerId(tool);
    return given != null ? given : Ids.newItemId("cntr");
  }
}
