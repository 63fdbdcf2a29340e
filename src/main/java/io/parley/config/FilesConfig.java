package io.parley.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The Files API and file inputs.
 *
 * @param dir        where files are kept on disk (a shared ReadWriteMany volume when there are several replicas);
 *                   {@code null} when not set: then files go to Redis when Redis is configured, else to
 *                   {@link #DEFAULT_DIR}
 * @param maxBytes   the largest file that can be uploaded or fetched from a URL (413 beyond)
 * @param ttl        how long a file is kept when its upload sets no {@code expires_after}
 * @param inputModes per model: whether documents are sent as files or as their extracted text
 */
public record FilesConfig(String dir, long maxBytes, Duration ttl, FileInputModes inputModes) {

  public static final String DEFAULT_DIR = Path.of(System.getProperty("java.io.tmpdir"), "parley-files").toString();

  /** Whether files are kept on disk (else in Redis). */
  public boolean onDisk(boolean redis) {
    return dir != null || !redis;
  }

  /** The directory files are kept in when they are on disk. */
  public String diskDir() {
    return dir != null ? dir : DEFAULT_DIR;
  }
}
