package io.parley.protocol;

/**
 * Reads the {@code code} string out of a call's JSON arguments as the model streams them, so the code can be
 * streamed on as it is written ({@code response.code_interpreter_call_code.delta}): fed fragment by fragment,
 * it returns the newly decoded part of the top-level {@code "code"} value, holding back an escape that is cut
 * in two. One instance per streamed call.
 */
final class CodeArguments {

  private enum State { KEY_OR_OTHER, IN_STRING, AFTER_KEY, BEFORE_VALUE, IN_CODE, DONE }

  private State state = State.KEY_OR_OTHER;
  private int depth;
  private final StringBuilder string = new StringBuilder();
  private boolean stringIsKey;
  private boolean escaped;
  private boolean codeKey;
  /** An escape of the code value being read ({@code \}, {@code \}u and up to four hex digits). */
  private final StringBuilder escape = new StringBuilder();

  /** The part of the code value that this fragment completes (empty if none). */
  String feed(String fragment) {
    StringBuilder code = new StringBuilder();
    for (int i = 0; i < fragment.length() && state != State.DONE; i++) {
      char c = fragment.charAt(i);
      switch (state) {
        case KEY_OR_OTHER -> other(c);
        case IN_STRING -> inString(c);
        case AFTER_KEY -> {
          if (c == ':') {
            state = codeKey ? State.BEFORE_VALUE : State.KEY_OR_OTHER;
          } else if (!Character.isWhitespace(c)) {
            state = State.KEY_OR_OTHER;
            other(c);
          }
        }
        case BEFORE_VALUE -> {
          if (c == '"') {
            state = State.IN_CODE;
          } else if (!Character.isWhitespace(c)) {
            // Not a string: there is no code to stream.
            state = State.DONE;
          }
        }
        case IN_CODE -> inCode(c, code);
        default -> { }
      }
    }
    return code.toString();
  }

  private void other(char c) {
    if (c == '{' || c == '[') {
      depth++;
    } else if (c == '}' || c == ']') {
      depth--;
    } else if (c == '"') {
      state = State.IN_STRING;
      string.setLength(0);
      // A string right inside the top-level object, where a key can be, is read as a key.
      stringIsKey = depth == 1;
    }
  }

  private void inString(char c) {
    if (escaped) {
      escaped = false;
      string.append(c);
    } else if (c == '\\') {
      escaped = true;
    } else if (c == '"') {
      codeKey = stringIsKey && string.toString().equals("code");
      state = stringIsKey ? State.AFTER_KEY : State.KEY_OR_OTHER;
    } else {
      string.append(c);
    }
  }

  private void inCode(char c, StringBuilder code) {
    if (escape.isEmpty()) {
      if (c == '\\') {
        escape.append(c);
      } else if (c == '"') {
        state = State.DONE;
      } else {
        code.append(c);
      }
      return;
    }
    escape.append(c);
    if (escape.length() == 2 && c != 'u') {
      code.append(switch (c) {
        case 'n' -> '\n';
        case 't' -> '\t';
        case 'r' -> '\r';
        case 'b' -> '\b';
        case 'f' -> '\f';
        default -> c;
      });
      escape.setLength(0);
    } else if (escape.length() == 6) {
      try {
        code.append((char) Integer.parseInt(escape.substring(2), 16));
      } catch (NumberFormatException e) {
        code.append(escape);
      }
      escape.setLength(0);
    }
  }
}
