package io.parley.upstream;

import java.nio.charset.StandardCharsets;

/**
 * Highest-random-weight hashing: each (key, replica) pair gets a pseudo-random weight and a key goes to
 * the replica with the highest. Adding or removing a replica moves only the keys that ranked it first.
 */
final class Rendezvous {

  private Rendezvous() {
  }

  static long weight(long keyHash, long replicaSeed) {
    return mix(keyHash ^ replicaSeed);
  }

  static long hash(String key) {
    return hash(key.getBytes(StandardCharsets.UTF_8));
  }

  /** 64-bit FNV-1a, then a final mix so that nearby inputs spread. */
  static long hash(byte[] bytes) {
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /** The SplitMix64 finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
