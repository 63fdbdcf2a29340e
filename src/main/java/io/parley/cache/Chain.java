package io.parley.cache;

import io.parley.protocol.ChatPrefix;
import io.parley.protocol.Compaction;
import io.parley.state.StoredResponse;
import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A {@code previous_response_id} chain: the ids of its turns (oldest first) and either the turns themselves
 * (as loaded from the store) or only their history as serialized chat messages (as the context cache holds
 * it), or both. A chain continued from the cache is sent from its prefix and never reads its history.
 */
public final class Chain {

  public static final Chain EMPTY = new Chain(List.of(), List.of(), ChatPrefix.EMPTY, Set.of(), false);

  private final List<String> ids;
  private final List<StoredResponse> turns;
  /** The stored files the turns' inputs name: a chain continued from memory checks they still exist. */
  private final Set<String> files;
  /** Whether those files are held as their extracted text (for a model sent documents as text), else as themselves. */
  private final boolean filesAsText;
  /** Built from the turns on first use; a benign race at worst builds it twice (it is immutable). */
  private volatile ChatPrefix prefix;

  private Chain(List<String> ids, List<StoredResponse> turns, ChatPrefix prefix, Set<String> files, boolean filesAsText) {
    this.ids = ids;
    this.turns = turns;
    this.prefix = prefix;
    this.files = files;
    this.filesAsText = filesAsText;
  }

  /** A chain as loaded from the store, its prefix built when first asked for (with the last turn's stored token count). */
  public static Chain loaded(List<StoredResponse> turns) {
    return loaded(turns, Set.of(), false);
  }

  /**
   * @param turns       with the files their inputs name in place, as they are sent
   * @param files       the ids of those files
   * @param filesAsText whether documents among them are in place as their text
   */
  public static Chain loaded(List<StoredResponse> turns, Set<String> files, boolean filesAsText) {
    return new Chain(turns.stream().map(StoredResponse::id).toList(), List.copyOf(turns), null, Set.copyOf(files),
        filesAsText);
  }

  /** The ids of the stored files that the turns' inputs name. */
  public Set<String> files() {
    return files;
  }

  /** Whether the documents among {@link #files()} are held as their text; meaningless when there are none. */
  public boolean filesAsText() {
    return filesAsText;
  }

  public List<String> ids() {
    return ids;
  }

  public boolean isEmpty() {
    return ids.isEmpty();
  }

  /** Whether the turns themselves are held (not only their serialized prefix). */
  public boolean hasTurns() {
    return turns != null;
  }

  public List<StoredResponse> turns() {
    if (turns == null) {
      throw new IllegalStateException("this chain is held only as its serialized prefix");
    }
    return turns;
  }

  public boolean hasPrefix() {
    return prefix != null;
  }

  /** The history as serialized chat messages. */
  public ChatPrefix prefix() {
    ChatPrefix built = prefix;
    if (built == null) {
      built = ChatPrefix.of(items(turns));
      StoredResponse last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
      if (last != null && last.tokens() != null) {
        built = built.withTokens(last.tokens().encoding(), last.tokens().history());
      }
      prefix = built;
    }
    return built;
  }

  /**
   * Every turn's input items, then its output items, oldest first; from the latest {@code compaction} item a
   * turn made on, when there is one (its summary and kept items standing for everything before it).
   */
  public static List<JsonArray> items(List<StoredResponse> turns) {
    List<JsonArray> items = new ArrayList<>(turns.size() * 2);
    for (StoredResponse turn : turns) {
      items.add(turn.input());
      items.add(turn.output());
    }
    return Compaction.fromLatest(items);
  }

  /** The ancestor list a turn continuing this chain stores. */
  public List<String> lineage() {
    return ids;
  }

  /**
   * This chain followed by {@code turn}; {@code prefix} is the extended prefix when this chain has one
   * (else {@code null}).
   */
  public Chain then(StoredResponse turn, ChatPrefix extended) {
    return then(turn, extended, Set.of(), filesAsText);
  }

  /**
   * As {@link #then(StoredResponse, ChatPrefix)}, {@code turn}'s input naming the stored files {@code turnFiles}, and
   * the chain's documents now in place as text or not ({@code asText}: how the turn sent them).
   */
  public Chain then(StoredResponse turn, ChatPrefix extended, Set<String> turnFiles, boolean asText) {
    List<String> nextIds = new ArrayList<>(ids.size() + 1);
    nextIds.addAll(ids);
    nextIds.add(turn.id());
    List<StoredResponse> nextTurns = null;
    if (turns != null) {
      nextTurns = new ArrayList<>(turns.size() + 1);
      nextTurns.addAll(turns);
      nextTurns.add(turn);
    }
    Set<String> nextFiles = files;
    if (!turnFiles.isEmpty()) {
      Set<String> union = new java.util.LinkedHashSet<>(files);
      union.addAll(turnFiles);
      nextFiles = Set.copyOf(union);
    }
    return new Chain(List.copyOf(nextIds), nextTurns == null ? null : List.copyOf(nextTurns), extended, nextFiles, asText);
  }

  /** What the cache keeps: only the serialized prefix when calls are built from it, else the turns. */
  public Chain forCache(boolean prefixOnly) {
    return prefixOnly ? new Chain(ids, null, prefix(), files, filesAsText) : new Chain(ids, turns(), null, files, filesAsText);
  }

  /** Estimated bytes held, for the cache's bound (turns shared with other entries are counted by their own). */
  int weight() {
    long estimate = 96L * ids.size() + 256;
    ChatPrefix held = prefix;
    if (held != null) {
      estimate += held.serializedBytes();
    }
    if (turns != null && !turns.isEmpty()) {
      StoredResponse last = turns.get(turns.size() - 1);
      estimate += 2L * (last.input().encode().length() + last.response().encode().length());
    }
    return (int) Math.min(Integer.MAX_VALUE, estimate);
  }
}
