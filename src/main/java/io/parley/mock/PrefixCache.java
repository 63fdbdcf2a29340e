package io.parley.mock;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one mock replica has "in its KV cache": a hash of every message prefix it has seen, its own replies
 * included (as an inference server keeps the blocks it generated), least recently used dropped first. A
 * request's cached tokens are the tokens of its longest prefix seen before, as vLLM's automatic prefix
 * caching or OpenAI's prompt caching would report them (at message rather than block granularity).
 * Confined to one event loop.
 */
final class PrefixCache {

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private final int maxEntries;
  private final Map<Long, Boolean> seen;

  PrefixCache(int maxEntries) {
    this.maxEntries = maxEntries;
    this.seen = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
        return size() > PrefixCache.this.maxEntries;
      }
    };
  }

  /**
   * @param messages each message in a canonical form (see {@link MockReply})
   * @param tokens   each message's token count
   * @return the tokens of the longest prefix seen before
   */
  int cachedTokens(List<String> messages, int[] tokens) {
    long hash = FNV_OFFSET;
    int cached = 0;
    for (int i = 0; i < messages.size(); i++) {
      hash = extend(hash, messages.get(i));
      if (seen.get(hash) == null) {
        break;
      }
      cached += tokens[i];
    }
    return cached;
  }

  /** Remembers every prefix of {@code messages}. */
  void remember(List<String> messages) {
    long hash = FNV_OFFSET;
    for (String message : messages) {
      hash = extend(hash, message);
      seen.put(hash, Boolean.TRUE);
    }
  }

  /** 64-bit FNV-1a over the message's bytes, continuing from the prefix before it. */
  private static long extend(long hash, String message) {
    for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= FNV_PRIME;
    }
    hash ^= 0x1e;  // a separator, so that ["ab","c"] and ["a","bc"] differ
    return hash * FNV_PRIME;
  }
}
