package io.parley.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilesConfigTest {

  @Test
  void defaultsKeepFilesOnDiskWithoutRedisAndInRedisWithIt() {
    FilesConfig files = ConfigLoader.fromMap(Map.of()).files();
    assertThat(files.maxBytes()).isEqualTo(100L * 1024 * 1024);
    assertThat(files.ttl()).isEqualTo(Duration.ofDays(30));
    assertThat(files.onDisk(false)).isTrue();
    assertThat(files.onDisk(true)).isFalse();
    assertThat(files.diskDir()).isEqualTo(FilesConfig.DEFAULT_DIR);
    assertThat(files.inputModes().text("any-model")).isFalse();

    FilesConfig set = ConfigLoader.fromMap(Map.of("PARLEY_FILES_DIR", "/mnt/files", "PARLEY_FILES_MAX_BYTES", "1048576",
        "PARLEY_FILES_TTL", "7d")).files();
    assertThat(set.onDisk(true)).as("an explicit directory wins over Redis").isTrue();
    assertThat(set.diskDir()).isEqualTo("/mnt/files");
    assertThat(set.maxBytes()).isEqualTo(1_048_576L);
    assertThat(set.ttl()).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void fileInputsAreSetForAllModelsOrPerModelByLongestPrefix() {
    assertThat(modes("text").text("gpt-4o")).isTrue();
    FileInputModes modes = modes("text, gpt-4o=native, gpt-4o-mini=text, llama=text");
    assertThat(modes.text("qwen3")).isTrue();
    assertThat(modes.text("gpt-4o")).isFalse();
    assertThat(modes.text("gpt-4o-2024-08-06")).isFalse();
    assertThat(modes.text("gpt-4o-mini-2024")).isTrue();
    FileInputModes nativeByDefault = modes("llama=text");
    assertThat(nativeByDefault.text("llama-3.1-8b")).isTrue();
    assertThat(nativeByDefault.text("gpt-4o")).isFalse();
    for (String bad : new String[] {"pdf", "gpt-4o=images", "=text"}) {
      assertThatThrownBy(() -> modes(bad)).as(bad).hasMessageContaining("PARLEY_FILE_INPUTS");
    }
  }

  private static FileInputModes modes(String value) {
    return ConfigLoader.fromMap(Map.of("PARLEY_FILE_INPUTS", value)).files().inputModes();
  }
}
