package io.parley.ops;

import io.parley.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation stays true to the repository: a README a newcomer reads in minutes with the commands CI
 * runs, links that lead somewhere, and every configuration key documented (and nothing more).
 */
class DocsTest {

  private static final Path README = Path.of("README.md");
  private static final Path DOCS = Path.of("docs");
  private static final Path CONFIGURATION = DOCS.resolve("configuration.md");
  private static final int README_MAX_LINES = 200;

  /** A key's row: {@code | `PARLEY_X` | `x` |}. */
  private static final Pattern KEY_ROW = Pattern.compile("(?m)^\\| `PARLEY_([A-Z0-9_]+)` \\| `([a-z0-9_]+)` \\|");
  /** An inline link or image target: {@code [text](target)} or {@code [text](target "title")}. */
  private static final Pattern LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  private static final Pattern FENCED = Pattern.compile("(?ms)^\\s*```.*?^\\s*```[^\\n]*$");
  private static final Pattern CODE_SPAN = Pattern.compile("`[^`\\n]*`");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*#*\\s*$");

  @Test
  void theReadmeIsShort() throws IOException {
    assertThat(Files.readAllLines(README).size()).as("lines of README.md").isLessThanOrEqualTo(README_MAX_LINES);
  }

  @Test
  void theReadmeGivesTheTestCommandCiRuns() throws IOException {
    List<String> ci = Files.readAllLines(Path.of(".ci", "run"));
    String command = null;
    for (String line : ci) {
      if (line.strip().startsWith("exec mvn ")) {
        command = line.strip().substring("exec ".length());
      }
    }
    assertThat(command).as("the last 'exec mvn ...' line of .ci/run").isNotNull();
    assertThat(read(README)).as("README shows the test command CI runs").contains(command);
  }

  @Test
  void theReadmeGivesACommandThatBuildsAndRunsTheJarMavenBuilds() {
    Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(read(Path.of("pom.xml")));
    assertThat(finalName.find()).as("the shaded jar's finalName in pom.xml").isTrue();
    String jar = "target/" + finalName.group(1) + ".jar";
    assertThat(read(README)).as("README builds and runs " + jar)
        .containsPattern("(?m)^mvn [^\\n]*package && java -jar " + Pattern.quote(jar) + "\\s*$");
  }

  @Test
  void everyRelativeLinkInTheDocsLeadsToAFile() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path page : pages()) {
      for (String target : links(read(page))) {
        if (target.matches("(?i)^(https?|mailto):.*")) {
          continue;
        }
        int hash = target.indexOf('#');
        String path = hash >= 0 ? target.substring(0, hash) : target;
        String anchor = hash >= 0 ? target.substring(hash + 1) : null;
        Path file = path.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(path).normalize();
        if (!Files.exists(file)) {
          broken.add(page + ": " + target + " (no such file)");
        } else if (anchor != null && file.toString().endsWith(".md") && !anchors(read(file)).contains(anchor)) {
          broken.add(page + ": " + target + " (no such heading)");
        }
      }
    }
    assertThat(broken).as("broken relative links").isEmpty();
  }

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

  /** README.md, every page under docs/, and the benchmark runs' index. */
  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(README, Path.of("bench", "results", "README.md")));
    try (Stream<Path> docs = Files.walk(DOCS)) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  /** Link targets outside code blocks and code spans (where {@code ](} can be code, not a link). */
  static List<String> links(String markdown) {
    String prose = CODE_SPAN.matcher(FENCED.matcher(markdown).replaceAll("")).replaceAll("code");
    List<String> targets = new ArrayList<>();
    Matcher link = LINK.matcher(prose);
    while (link.find()) {
      targets.add(link.group(1));
    }
    return targets;
  }

  /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to hyphens, -1 for repeats. */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new HashSet<>();
    Matcher heading = HEADING.matcher(FENCED.matcher(markdown).replaceAll(""));
    while (heading.find()) {
      String slug = heading.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_ -]", "").replace(' ', '-');
      String anchor = slug;
      for (int n = 1; !anchors.add(anchor); n++) {
        anchor = slug + "-" + n;
      }
    }
    return anchors;
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
