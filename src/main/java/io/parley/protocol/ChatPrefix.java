package io.parley.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A chain's history as Chat Completions messages, already serialized: the bytes a provider saw for it last
 * turn, kept so the next turn sends them again without rebuilding or re-encoding them (and byte for byte,
 * so provider prefix caches hit). Immutable; extending shares the older bytes, so the prefixes of a chain's
 * turns cost memory once.
 *
 * <p>The last message stays unserialized while it may still grow (an assistant message that function calls
 * in the next items join, as {@link ChatMessages} merges them). The prefix also carries the tool-call state
 * at its end and, when counted, the tokens of the whole history.
 */
public final class ChatPrefix {

  /** Counts one message's tokens with a named encoding (see {@code TokenCounter.messages}). */
  public interface MessageCounter {
    String encoding();

    int count(JsonObject message);
  }

  public static final ChatPrefix EMPTY = new ChatPrefix(null, null, ToolHistory.NONE, null, 0);

  /** Serialized messages, comma-separated; {@code older} holds the messages before them. */
  private record Segment(Segment older, Buffer bytes, int totalBytes, int count) {
  }

  private final Segment closed;
  private final JsonObject open;
  private final ToolHistory calls;
  private final String encoding;
  private final int historyTokens;

  private ChatPrefix(Segment closed, JsonObject open, ToolHistory calls, String encoding, int historyTokens) {
    this.closed = closed;
    this.open = open;
    this.calls = calls;
    this.encoding = encoding;
    this.historyTokens = historyTokens;
  }

  /** The prefix of a whole history (each element a turn's input or output items, oldest first), uncounted. */
  public static ChatPrefix of(List<JsonArray> history) {
    return EMPTY.extend(history, null);
  }

  /**
   * This prefix followed by {@code items}. With a counter, the new serialized messages are counted too, and
   * the total stays known if this prefix was counted with the same encoding (or is empty).
   */
  public ChatPrefix extend(List<JsonArray> items, MessageCounter counter) {
    JsonArray messages = new JsonArray();
    ChatMessages builder = new ChatMessages(messages, reopen(messages));
    ToolHistory after = calls;
    for (JsonArray batch : items) {
      builder.addAll(batch);
      after = after.after(batch);
    }
    JsonObject stillOpen = builder.open();
    int done = stillOpen == null ? messages.size() : messages.size() - 1;
    boolean counting = counter != null && (closed == null && open == null || counter.encoding().equals(encoding));
    // The open message is counted again below, as it is now (function calls may have joined it).
    int tokens = counting ? serializedTokens(counter) : 0;
    Buffer bytes = Buffer.buffer();
    for (int i = 0; i < messages.size(); i++) {
      JsonObject message = messages.getJsonObject(i);
      if (counting) {
        tokens += counter.count(message);
      }
      if (i < done) {
        if (i > 0) {
          bytes.appendByte((byte) ',');
        }
        bytes.appendBuffer(message.toBuffer());
      }
    }
    Segment segment = done == 0 ? closed
        // An exact-size copy: growth slack would otherwise be held for as long as the chain is cached.
        : new Segment(closed, Buffer.buffer(bytes.getBytes()), bytes.length() + (closed == null ? 0 : closed.totalBytes() + 1),
            done + (closed == null ? 0 : closed.count()));
    return new ChatPrefix(segment, stillOpen, after, counting ? counter.encoding() : null, counting ? tokens : 0);
  }

  /** The same prefix with the token count of its whole history, as stored with its last turn. */
  public ChatPrefix withTokens(String encoding, int historyTokens) {
    return new ChatPrefix(closed, open, calls, encoding, historyTokens);
  }

  /** The messages this prefix leaves open, followed by those of {@code input}: what a turn adds after the bytes. */
  JsonArray tail(JsonArray input) {
    JsonArray messages = new JsonArray();
    ChatMessages builder = new ChatMessages(messages, reopen(messages));
    builder.addAll(input);
    return messages;
  }

  /** A copy of the open message, added to {@code messages} so the next items can join it. */
  private JsonObject reopen(JsonArray messages) {
    if (open == null) {
      return null;
    }
    JsonObject copy = open.copy();
    messages.add(copy);
    return copy;
  }

  /** Appends the serialized messages, oldest first, separated by commas; {@code true} if there were any. */
  boolean writeTo(Buffer out) {
    if (closed == null) {
      return false;
    }
    Buffer[] parts = new Buffer[depth()];
    int i = parts.length;
    for (Segment s = closed; s != null; s = s.older()) {
      parts[--i] = s.bytes();
    }
    for (int k = 0; k < parts.length; k++) {
      if (k > 0) {
        out.appendByte((byte) ',');
      }
      out.appendBuffer(parts[k]);
    }
    return true;
  }

  private int depth() {
    int depth = 0;
    for (Segment s = closed; s != null; s = s.older()) {
      depth++;
    }
    return depth;
  }

  /** Bytes of the serialized messages (what this prefix adds to a request body, give or take the open message). */
  public int serializedBytes() {
    return closed == null ? 0 : closed.totalBytes();
  }

  /** Whether there is no history at all. */
  public boolean isEmpty() {
    return closed == null && open == null;
  }

  /** How many messages are serialized. */
  public int serializedMessages() {
    return closed == null ? 0 : closed.count();
  }

  /** Tool calls open and answered at the end of this history. */
  public ToolHistory calls() {
    return calls;
  }

  /** The encoding the serialized messages were counted with, or {@code null} if they were not. */
  public String encoding() {
    return encoding;
  }

  /** Tokens of the whole history's messages (framing included, as {@code TokenCounter} counts); valid when {@link #encoding()} is set. */
  public int historyTokens() {
    return historyTokens;
  }

  /**
   * Tokens of the serialized messages alone: the history less its open message, which a request encodes
   * (and counts) afresh; {@code counter} must have this prefix's encoding.
   */
  public int serializedTokens(MessageCounter counter) {
    return historyTokens - (open == null ? 0 : counter.count(open));
  }
}
