package io.parley.state;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads the Redis scripts shipped under {@code src/main/resources/lua}, once, at class initialisation. */
public final class LuaScripts {

  private LuaScripts() {
  }

  public static String load(String name) {
    try (InputStream in = LuaScripts.class.getResourceAsStream("/lua/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
