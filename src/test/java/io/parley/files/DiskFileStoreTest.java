package io.parley.files;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract on a directory, plus what only a directory shows: two stores (replicas) sharing it, and the sweep. */
class DiskFileStoreTest extends FileStoreContract {

  private Path dir;

  @Override
  protected FileStore createStore(Vertx vertx) throws Exception {
    dir = Files.createTempDirectory("parley-files");
    return new DiskFileStore(vertx, dir);
  }

  @Test
  void replicasSharingTheDirectoryServeEachOthersFiles() throws Exception {
    StoredFile file = put(tenant, "shared".getBytes(), "user_data", Duration.ofHours(1));
    DiskFileStore other = new DiskFileStore(vertx, dir);
    assertThat(other.get(tenant, file.id()).await()).isEqualTo(file);
    assertThat(other.read(tenant, file).await().toString()).isEqualTo("shared");
    assertThat(other.delete(tenant, file.id()).await()).isTrue();
    assertThat(store.get(tenant, file.id()).await()).isNull();
  }

  @Test
  void onlyCompleteFilesAreVisibleAndTheSweepRemovesLeftovers() throws Exception {
    StoredFile file = put(tenant, "x".getBytes(), "user_data", Duration.ofSeconds(1));
    Path tenantDir = dir.resolve("t-" + tenant);
    assertThat(tenantDir.resolve(file.id() + ".json")).exists();
    // Content whose metadata was never written (an interrupted write), a day old, and a stale temporary file.
    Path orphan = Files.writeString(tenantDir.resolve("file-" + "0".repeat(32) + ".bin"), "orphan");
    Path temporary = Files.writeString(tenantDir.resolve("x.json.123.tmp"), "{");
    FileTime old = FileTime.fromMillis(System.currentTimeMillis() - Duration.ofDays(2).toMillis());
    Files.setLastModifiedTime(orphan, old);
    Files.setLastModifiedTime(temporary, old);
    assertThat(store.list(tenant, new FileQuery(null, 10, false, null)).await().files()).hasSize(1);

    Thread.sleep(2100);
    store.sweep().await();
    assertThat(tenantDir.resolve(file.id() + ".json")).doesNotExist();
    assertThat(tenantDir.resolve(file.id() + ".bin")).doesNotExist();
    assertThat(orphan).doesNotExist();
    assertThat(temporary).doesNotExist();
  }

  @Test
  void aTenantNamedDotDotStaysInsideTheRoot() throws Exception {
    StoredFile file = put("..", "x".getBytes(), "user_data", Duration.ofHours(1));
    assertThat(dir.resolve("t-..").resolve(file.id() + ".json")).exists();
  }
}
