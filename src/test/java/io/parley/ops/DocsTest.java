package io.parley.ops;

import io.parley.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The documentation stays true to the code: every configuration key documented, and nothing more. */
class DocsTest {

  private static final Path CONFIGURATION = Path.of("docs", "configuration.md");
  /** A key's row: {@code | `PARLEY_X` | `x` |}. */
  private static final Pattern KEY_ROW = Pattern.compile("(?m)^\\| `PARLEY_([A-Z0-9_]+)` \\| `([a-z0-9_]+)` \\|");

  @Test
  void theConfigurationPageDocumentsExactlyTheKeysParleyReads() {
    List<String> documented = new ArrayList<>();
    Matcher row = KEY_ROW.matcher(read(CONFIGURATION));
    while (row.find()) {
      assertThat(row.group(1)).as("variable of " + row.group(2)).isEqualTo(row.group(2).toUpperCase(Locale.ROOT));
      documented.add(row.group(2));
    }
    assertThat(documented).as("keys documented in " + CONFIGURATION).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(ConfigLoader.KEYS);
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
