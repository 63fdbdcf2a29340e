package io.parley.mock;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one mock replica has "in its KV cache": the hashes of every message prefix it has seen (a rolling
 * hash over the serialized messages), least recently used dropped first. A request's cached tokens are
 * the tokens of its longest prefix seen before, as vLLM's automatic prefix caching or OpenAI's prompt
 * caching would report them (at message rather than block granularity). Confined to one event loop.
 */
final class PrefixCache {

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
   * Looks the request's message prefixes up, then remembers them all.
   *
   * @param tokens each message's token count, in order
   * @return the tokens of the longest prefix seen before
   */
  int lookUpAndRemember(JsonArray messages, int[] tokens) {
    long hash = 0xcbf29ce484222325L;
    int cached = 0;
    int prefixTokens = 0;
    boolean hitSoFar = true;
    for (int i = 0; i < messages.size(); i++) {
      Object message = messages.getValue(i);
      String encoded = message instanceof JsonObject m ? m.encode() : String.valueOf(message);
      hash = extend(hash, encoded);
      prefixTokens += tokens[i];
      if (hitSoFar && seen.get(hash) != null) {
        cached = prefixTokens;
      } else {
        hitSoFar = false;
        seen.put(hash, Boolean.TRUE);
      }
    }
    return cached;
  }

  /** 64-bit FNV-1a over the message's bytes, continuing from the prefix before it. */
  private static long extend(long hash, String encoded) {
    for (byte b : encoded.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    hash ^= 0x1e;  // a separator, so that ["ab","c"] and ["a","bc"] differ
    return hash * 0x100000001b3L;
  }
}
