package io.parley.http;

/** Whether every {@code %} in a raw path starts a valid two-hex-digit escape. */
final class PathCheck {

  private PathCheck() {
  }

  static boolean wellFormed(String path) {
    if (path == null) {
      return false;
    }
    for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
      if (i + 2 >= path.length() || !hex(path.charAt(i + 1)) || !hex(path.charAt(i + 2))) {
        return false;
      }
    }
    return true;
  }

  private static boolean hex(char c) {
    return Character.digit(c, 16) >= 0;
  }
}
