package io.parley.http;

import java.nio.file.Files;
import java.util.Map;

/** In-memory state, files in a directory both gateways share (a ReadWriteMany volume). */
class MemoryFilesTest extends FilesContract {

  private final String dir;

  MemoryFilesTest() throws Exception {
    dir = Files.createTempDirectory("parley-files-memory").toString();
  }

  @Override
  Map<String, String> backend() {
    return Map.of("PARLEY_FILES_DIR", dir);
  }

  @Override
  boolean sharedState() {
    return false;
  }
}
