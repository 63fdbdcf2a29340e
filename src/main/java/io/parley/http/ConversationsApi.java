package io.parley.http;

import io.parley.idempotency.Recorded;
import io.parley.protocol.ApiError;
import io.parley.protocol.Ids;
import io.parley.protocol.RequestParser;
import io.parley.state.ConversationStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /v1/conversations}: create, retrieve, update metadata, delete, and list/add/get/delete items. A
 * create under an {@code Idempotency-Key} records the conversation object it answered, for retries.
 */
final class ConversationsApi implements IdempotentCreate.Replayable {

  private static final int MAX_ITEMS_PER_CALL = 20;

  private final ConversationStore conversations;

  ConversationsApi(ConversationStore conversations) {
    this.conversations = conversations;
  }

  @Override
  public Future<Void> create(RoutingContext ctx, IdempotentCreate.Attempt attempt) {
    JsonObject body = ctx.body().length() == 0 ? new JsonObject() : RequestParser.parseJsonObject(ctx.body().buffer());
    JsonArray items = items(body.getValue("items"));
    JsonObject metadata = RequestParser.metadataOf(body);
    JsonObject conversation = new JsonObject()
        .put("id", Ids.newConversationId())
        .put("object", "conversation")
        .put("created_at", System.currentTimeMillis() / 1000)
        .put("metadata", metadata != null ? metadata : new JsonObject());
    Future<Void> created = conversations.create(Authenticator.tenant(ctx), conversation, items);
    attempt.records(() -> created.map(v -> Recorded.of(conversation)));
    return created.compose(v -> json(ctx, conversation));
  }

  /** The conversation object the first attempt answered (later metadata updates are not replayed). */
  @Override
  public Future<Void> replay(RoutingContext ctx, Recorded recorded) {
    return json(ctx, recorded.json());
  }

  Future<Void> retrieve(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return conversations.get(Authenticator.tenant(ctx), id).compose(found -> json(ctx, existing(found, id)));
  }

  Future<Void> update(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject body = RequestParser.parseJsonObject(ctx.body().buffer());
    JsonObject metadata = RequestParser.metadataOf(body);
    if (metadata == null) {
      throw ApiError.missing("metadata");
    }
    return conversations.updateMetadata(Authenticator.tenant(ctx), id, metadata)
        .compose(updated -> json(ctx, existing(updated, id)));
  }

  Future<Void> delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return conversations.delete(Authenticator.tenant(ctx), id).compose(deleted -> deleted
        ? json(ctx, new JsonObject().put("id", id).put("object", "conversation.deleted").put("deleted", true))
        : Future.failedFuture(notFound(id)));
  }

  Future<Void> listItems(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    ItemPage page = ItemPage.fromQuery(ctx.queryParams());
    return conversations.items(Authenticator.tenant(ctx), id)
        .compose(items -> json(ctx, page.apply(Includes.view(ctx).items(existing(items, id)))));
  }

  Future<Void> addItems(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject body = RequestParser.parseJsonObject(ctx.body().buffer());
    if (body.getValue("items") == null) {
      throw ApiError.missing("items");
    }
    JsonArray items = items(body.getValue("items"));
    return conversations.append(Authenticator.tenant(ctx), id, items)
        .compose(appended -> appended
            ? json(ctx, new ItemPage(null, MAX_ITEMS_PER_CALL, true).apply(items))
            : Future.failedFuture(notFound(id)));
  }

  Future<Void> getItem(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String itemId = ctx.pathParam("itemId");
    return conversations.items(Authenticator.tenant(ctx), id).compose(items -> {
      for (Object o : existing(items, id)) {
        if (itemId.equals(((JsonObject) o).getString("id"))) {
          return json(ctx, Includes.view(ctx).item((JsonObject) o));
        }
      }
      return Future.failedFuture(itemNotFound(itemId));
    });
  }

  Future<Void> deleteItem(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String itemId = ctx.pathParam("itemId");
    String tenant = Authenticator.tenant(ctx);
    return conversations.get(tenant, id)
        .map(found -> existing(found, id))
        .compose(conversation -> conversations.deleteItem(tenant, id, itemId)
            .compose(deleted -> deleted ? json(ctx, conversation) : Future.failedFuture(itemNotFound(itemId))));
  }

  private static JsonArray items(Object value) {
    if (value == null) {
      return new JsonArray();
    }
    JsonArray items = RequestParser.items(value, "items");
    if (items.size() > MAX_ITEMS_PER_CALL) {
      throw ApiError.invalidValue("items", "Invalid 'items': at most 20 items can be added at a time, got " + items.size() + ".");
    }
    return items;
  }

  private static <T> T existing(T found, String id) {
    if (found == null) {
      throw notFound(id);
    }
    return found;
  }

  static ApiError notFound(String id) {
    return new ApiError(404, "invalid_request_error", "not_found", null, "Conversation with id '" + id + "' not found.");
  }

  private static ApiError itemNotFound(String itemId) {
    return new ApiError(404, "invalid_request_error", "not_found", null, "Item with id '" + itemId + "' not found.");
  }

  private static Future<Void> json(RoutingContext ctx, JsonObject body) {
    return ctx.response().putHeader("content-type", "application/json").end(body.toBuffer());
  }
}
