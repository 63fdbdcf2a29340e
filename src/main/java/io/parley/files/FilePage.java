package io.parley.files;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** A page of files and whether more follow it. */
public record FilePage(List<StoredFile> files, boolean hasMore) {

  /** The OpenAI list object: {@code object, data, first_id, last_id, has_more}. */
  public JsonObject toJson() {
    JsonArray data = new JsonArray();
    files.forEach(file -> data.add(file.toJson()));
    return new JsonObject()
        .put("object", "list")
        .put("data", data)
        .put("first_id", files.isEmpty() ? null : files.get(0).id())
        .put("last_id", files.isEmpty() ? null : files.get(files.size() - 1).id())
        .put("has_more", hasMore);
  }
}
