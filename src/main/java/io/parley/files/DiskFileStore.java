package io.parley.files;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Files in a directory, which replicas may share (a Kubernetes ReadWriteMany volume): per tenant a folder
 * {@code t-<tenant>} holding {@code <id>.bin} (the content), {@code <id>.json} (the metadata, the file object)
 * and {@code <id>.txt} (extracted text, once asked for). A file exists once its metadata does: the content is
 * moved in first, and the metadata and text are written to a temporary name and renamed atomically, so no
 * replica ever reads half a file. Every disk access runs on a worker thread.
 */
public final class DiskFileStore implements FileStore {

  /** What an interrupted write left (content without metadata, temporary files) is removed after this. */
  private static final Duration ORPHAN_AGE = Duration.ofHours(24);

  private final Vertx vertx;
  private final Path root;

  public DiskFileStore(Vertx vertx, Path root) {
    this.vertx = vertx;
    this.root = root;
  }

  @Override
  public String stagingDir() {
    return root.resolve(".staging").toString();
  }

  @Override
  public Future<Void> create(String tenant, StoredFile file, String contentPath) {
    return blocking(() -> {
      Path dir = Files.createDirectories(tenantDir(tenant));
      Files.move(Path.of(contentPath), dir.resolve(file.id() + ".bin"), StandardCopyOption.REPLACE_EXISTING);
      writeAtomically(dir.resolve(file.id() + ".json"), file.encode().encode());
      return null;
    });
  }

  @Override
  public Future<StoredFile> get(String tenant, String id) {
    if (!StoredFile.isFileId(id)) {
      return Future.succeededFuture();
    }
    return blocking(() -> live(tenantDir(tenant), id, now()));
  }

  @Override
  public Future<FilePage> list(String tenant, FileQuery query) {
    return blocking(() -> page(tenantDir(tenant), query));
  }

  @Override
  public Future<Boolean> delete(String tenant, String id) {
    if (!StoredFile.isFileId(id)) {
      return Future.succeededFuture(false);
    }
    // The metadata goes first: from then on the file does not exist, whatever happens to the rest.
    return blocking(() -> remove(tenantDir(tenant), id));
  }

  @Override
  public Future<Buffer> read(String tenant, StoredFile file) {
    return vertx.fileSystem().readFile(content(tenant, file).toString())
        .recover(err -> Future.failedFuture(gone(err, file)));
  }

  @Override
  public Future<Void> copyTo(String tenant, StoredFile file, WriteStream<Buffer> out) {
    return vertx.fileSystem().open(content(tenant, file).toString(), new OpenOptions().setRead(true).setWrite(false))
        .recover(err -> Future.failedFuture(gone(err, file)))
        .compose(source -> source.pipeTo(out).eventually(source::close));
  }

  @Override
  public Future<String> text(String tenant, StoredFile file) {
    return blocking(() -> {
      try {
        return Files.readString(tenantDir(tenant).resolve(file.id() + ".txt"), StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        return null;
      }
    });
  }

  @Override
  public Future<Void> putText(String tenant, StoredFile file, String text) {
    return blocking(() -> {
      writeAtomically(tenantDir(tenant).resolve(file.id() + ".txt"), text);
      return null;
    });
  }

  /** Removes expired files, and content and temporary files that interrupted writes left for a day. */
  @Override
  public Future<Void> sweep() {
    return blocking(() -> {
      if (!Files.isDirectory(root)) {
        return null;
      }
      long now = now();
      FileTime orphaned = FileTime.fromMillis(System.currentTimeMillis() - ORPHAN_AGE.toMillis());
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
        for (Path dir : dirs) {
          if (Files.isDirectory(dir)) {
            sweep(dir, now, orphaned);
          }
        }
      }
      return null;
    });
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private void sweep(Path dir, long now, FileTime orphaned) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.endsWith(".json") && StoredFile.isFileId(name.substring(0, name.length() - 5))) {
          live(dir, name.substring(0, name.length() - 5), now);
        } else if (isOrphan(dir, entry, name) && Files.getLastModifiedTime(entry).compareTo(orphaned) < 0) {
          Files.deleteIfExists(entry);
        }
      }
    } catch (NoSuchFileException e) {
      // Another replica swept it away first.
    }
  }

  /** A staged upload, a temporary file, or content or text whose metadata does not exist. */
  private static boolean isOrphan(Path dir, Path entry, String name) {
    if (dir.getFileName().toString().equals(".staging") || name.endsWith(".tmp")) {
      return true;
    }
    int dot = name.lastIndexOf('.');
    return dot > 0 && StoredFile.isFileId(name.substring(0, dot)) && !Files.exists(dir.resolve(name.substring(0, dot) + ".json"));
  }

  /** The file's metadata unless it is missing or expired (then what is left of it is removed). */
  private static StoredFile live(Path dir, String id, long now) throws IOException {
    String json;
    try {
      json = Files.readString(dir.resolve(id + ".json"), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
    StoredFile file = StoredFile.decode(new JsonObject(json));
    if (file.expired(now)) {
      remove(dir, id);
      return null;
    }
    return file;
  }

  private static boolean remove(Path dir, String id) throws IOException {
    boolean existed = Files.deleteIfExists(dir.resolve(id + ".json"));
    Files.deleteIfExists(dir.resolve(id + ".bin"));
    Files.deleteIfExists(dir.resolve(id + ".txt"));
    return existed;
  }

  private static FilePage page(Path dir, FileQuery query) throws IOException {
    List<String> ids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "file-*.json")) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        String id = name.substring(0, name.length() - 5);
        if (StoredFile.isFileId(id) && (query.after() == null
            || (query.ascending() ? id.compareTo(query.after()) > 0 : id.compareTo(query.after()) < 0))) {
          ids.add(id);
        }
      }
    } catch (NoSuchFileException e) {
      return new FilePage(List.of(), false);
    }
    Collections.sort(ids);
    if (!query.ascending()) {
      Collections.reverse(ids);
    }
    long now = now();
    List<StoredFile> files = new ArrayList<>();
    for (String id : ids) {
      StoredFile file = live(dir, id, now);
      if (file != null && (query.purpose() == null || query.purpose().equals(file.purpose()))) {
        if (files.size() == query.limit()) {
          return new FilePage(files, true);
        }
        files.add(file);
      }
    }
    return new FilePage(files, false);
  }

  private static void writeAtomically(Path target, String text) throws IOException {
    Path temporary = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    Files.writeString(temporary, text, StandardCharsets.UTF_8);
    try {
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
  }

  /** Tenant names may be {@code .} or {@code ..}: the prefix keeps every tenant's folder inside the root. */
  private Path tenantDir(String tenant) {
    return root.resolve("t-" + tenant);
  }

  private Path content(String tenant, StoredFile file) {
    return tenantDir(tenant).resolve(file.id() + ".bin");
  }

  private static Throwable gone(Throwable err, StoredFile file) {
    return err instanceof io.vertx.core.file.FileSystemException && err.getCause() instanceof NoSuchFileException
        || err.getCause() instanceof java.io.FileNotFoundException ? new FileGoneException(file.id()) : err;
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(() -> {
      try {
        return work.call();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, false);
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }
}
