package io.parley.http;

import io.parley.testing.RedisSupport;

import java.nio.file.Files;
import java.util.Map;

/** State in Redis, files in a directory both gateways share (files_dir set, so files stay out of Redis). */
class SharedDirectoryFilesTest extends FilesContract {

  private final String dir;

  SharedDirectoryFilesTest() throws Exception {
    dir = Files.createTempDirectory("parley-files-shared").toString();
  }

  @Override
  Map<String, String> backend() {
    return Map.of("PARLEY_REDIS_URL", RedisSupport.url(), "PARLEY_FILES_DIR", dir);
  }

  @Override
  boolean sharedState() {
    return true;
  }
}
