package io.parley.files;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link FileStore} must do. Each case uses a fresh tenant, so a shared Redis or directory is fine;
 * futures are awaited from the JUnit thread.
 */
abstract class FileStoreContract {

  protected Vertx vertx;
  protected FileStore store;
  protected String tenant;
  protected Path scratch;

  protected abstract FileStore createStore(Vertx vertx) throws Exception;

  @BeforeEach
  void open() throws Exception {
    vertx = Vertx.vertx();
    store = createStore(vertx);
    tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
    scratch = Files.createTempDirectory("parley-files-scratch");
  }

  @AfterEach
  void close() {
    store.close().await();
    vertx.close().await();
  }

  /** Stores {@code content} as a new file, from a local file as an upload would be. */
  protected StoredFile put(String tenant, byte[] content, String purpose, Duration ttl) throws Exception {
    Path local = Files.write(scratch.resolve(UUID.randomUUID() + ".upload"), content);
    StoredFile file = StoredFile.create("notes.txt", purpose, "text/plain", content.length, ttl);
    store.create(tenant, file, local.toString()).await();
    assertThat(local).as("the store consumes the local file").doesNotExist();
    return file;
  }

  @Test
  void aFileIsStoredReadStreamedAndDeleted() throws Exception {
    byte[] content = new byte[(int) (2.5 * 512 * 1024)];
    new Random(7).nextBytes(content);
    StoredFile file = put(tenant, content, "user_data", Duration.ofHours(1));

    assertThat(store.get(tenant, file.id()).await()).isEqualTo(file);
    assertThat(store.read(tenant, file).await().getBytes()).isEqualTo(content);
    Collected out = new Collected();
    store.copyTo(tenant, file, out).await();
    assertThat(out.ended).isTrue();
    assertThat(out.bytes.getBytes()).isEqualTo(content);

    assertThat(store.text(tenant, file).await()).isNull();
    store.putText(tenant, file, "extracted ünïcode").await();
    assertThat(store.text(tenant, file).await()).isEqualTo("extracted ünïcode");

    assertThat(store.delete(tenant, file.id()).await()).isTrue();
    assertThat(store.get(tenant, file.id()).await()).isNull();
    assertThat(store.delete(tenant, file.id()).await()).isFalse();
    assertThatThrownBy(() -> store.read(tenant, file).await()).isInstanceOf(FileGoneException.class);
  }

  @Test
  void anEmptyFileIsAFileToo() throws Exception {
    StoredFile file = put(tenant, new byte[0], "user_data", Duration.ofHours(1));
    assertThat(store.get(tenant, file.id()).await().bytes()).isZero();
    assertThat(store.read(tenant, file).await().length()).isZero();
  }

  @Test
  void anotherTenantSeesNothing() throws Exception {
    StoredFile file = put(tenant, "secret".getBytes(), "user_data", Duration.ofHours(1));
    assertThat(store.get("other-" + tenant, file.id()).await()).isNull();
    assertThat(store.delete("other-" + tenant, file.id()).await()).isFalse();
    assertThat(store.list("other-" + tenant, new FileQuery(null, 100, false, null)).await().files()).isEmpty();
    assertThat(store.get(tenant, file.id()).await()).isNotNull();
  }

  @Test
  void idsOfAnotherShapeNameNothing() {
    for (String id : List.of("file-../../etc/passwd", "../x", "file-ABC", "", "file-")) {
      assertThat(store.get(tenant, id).await()).as(id).isNull();
      assertThat(store.delete(tenant, id).await()).as(id).isFalse();
    }
  }

  @Test
  void listsPageByIdNewestFirstAndFilterByPurpose() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(put(tenant, ("f" + i).getBytes(), i % 2 == 0 ? "assistants" : "user_data", Duration.ofHours(1)).id());
      Thread.sleep(2);
    }
    assertThat(ids(store.list(tenant, new FileQuery(null, 100, false, null)).await()))
        .containsExactly(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));
    FilePage first = store.list(tenant, new FileQuery(null, 2, true, null)).await();
    assertThat(ids(first)).containsExactly(ids.get(0), ids.get(1));
    assertThat(first.hasMore()).isTrue();
    FilePage rest = store.list(tenant, new FileQuery(ids.get(1), 3, true, null)).await();
    assertThat(ids(rest)).containsExactly(ids.get(2), ids.get(3), ids.get(4));
    assertThat(rest.hasMore()).isFalse();
    assertThat(ids(store.list(tenant, new FileQuery(ids.get(3), 10, false, null)).await()))
        .containsExactly(ids.get(2), ids.get(1), ids.get(0));
    assertThat(ids(store.list(tenant, new FileQuery(null, 10, false, "assistants")).await()))
        .containsExactly(ids.get(4), ids.get(2), ids.get(0));
    FilePage onePurpose = store.list(tenant, new FileQuery(null, 1, true, "user_data")).await();
    assertThat(ids(onePurpose)).containsExactly(ids.get(1));
    assertThat(onePurpose.hasMore()).isTrue();

    store.delete(tenant, ids.get(2)).await();
    assertThat(ids(store.list(tenant, new FileQuery(null, 10, false, "assistants")).await()))
        .containsExactly(ids.get(4), ids.get(0));
  }

  @Test
  void anExpiredFileIsGone() throws Exception {
    StoredFile file = put(tenant, "short-lived".getBytes(), "user_data", Duration.ofSeconds(1));
    StoredFile kept = put(tenant, "kept".getBytes(), "user_data", Duration.ofHours(1));
    Thread.sleep(2100);
    assertThat(store.get(tenant, file.id()).await()).isNull();
    assertThat(ids(store.list(tenant, new FileQuery(null, 10, false, null)).await())).containsExactly(kept.id());
  }

  static List<String> ids(FilePage page) {
    return page.files().stream().map(StoredFile::id).toList();
  }

  /** A sink that keeps what it is written. */
  static final class Collected implements WriteStream<Buffer> {
    final Buffer bytes = Buffer.buffer();
    boolean ended;

    @Override
    public Future<Void> write(Buffer data) {
      bytes.appendBuffer(data);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> end() {
      ended = true;
      return Future.succeededFuture();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(io.vertx.core.Handler<Throwable> handler) {
      return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(io.vertx.core.Handler<Void> handler) {
      return this;
    }
  }
}
