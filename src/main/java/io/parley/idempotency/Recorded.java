package io.parley.idempotency;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * What a retry with the same key is answered from: the first answer itself ({@code body}, its encoded
 * JSON), or only the id of what it created when the store already holds that (a stored response).
 */
public record Recorded(String id, Buffer body) {

  /** A {@code store:false} response larger than this is not kept: a retry is told it cannot be replayed. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  /** An answer kept whole (a conversation object: small, and later updates must not change the replay). */
  public static Recorded of(JsonObject answer) {
    return new Recorded(answer.getString("id"), answer.toBuffer());
  }

  /**
   * A response as created: by its id when it is stored (the store keeps it longer than any key, and a
   * background response is replayed as it stands now); whole when {@code store:false}, up to a bound.
   */
  public static Recorded response(JsonObject response) {
    String id = response.getString("id");
    if (response.getBoolean("store", true)) {
      return new Recorded(id, null);
    }
    Buffer body = response.toBuffer();
    return new Recorded(id, body.length() <= MAX_BODY_BYTES ? body : null);
  }

  /** The answer kept whole, or {@code null}. */
  public JsonObject json() {
    return body == null ? null : body.toJsonObject();
  }
}
