package io.parley.files;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Where uploaded files live, so that any replica serves any file. Every operation is scoped by tenant: a file
 * stored for one tenant does not exist for another. A file is gone once it expires; nothing renews it.
 * Implementations pass the same contract suite ({@code FileStoreContract}).
 */
public interface FileStore {

  /**
   * A local directory where content waits (an upload as it arrives, a download from a URL) before {@link #create}
   * takes it: on the store's own volume when the store is a directory, so that taking it is a rename.
   */
  String stagingDir();

  /**
   * Stores a new file whose content is the local file at {@code contentPath}, which this call consumes (moves or
   * deletes). The file is readable only once all of it is stored.
   */
  Future<Void> create(String tenant, StoredFile file, String contentPath);

  /** The file's metadata, or {@code null} when unknown, expired or deleted. */
  Future<StoredFile> get(String tenant, String id);

  Future<FilePage> list(String tenant, FileQuery query);

  /** {@code true} when something was deleted. */
  Future<Boolean> delete(String tenant, String id);

  /** The whole content (to be sent to a model); fails with {@link FileGoneException} if it is gone. */
  Future<Buffer> read(String tenant, StoredFile file);

  /** Writes the content to {@code out} as it is read, respecting its back-pressure, and ends it. */
  Future<Void> copyTo(String tenant, StoredFile file, WriteStream<Buffer> out);

  /** The text extracted from the file earlier, or {@code null}. */
  Future<String> text(String tenant, StoredFile file);

  /** Keeps the text extracted from the file, for as long as the file lives. */
  Future<Void> putText(String tenant, StoredFile file, String text);

  /** Removes what expired and what interrupted writes left behind, where the backend does not do it itself. */
  default Future<Void> sweep() {
    return Future.succeededFuture();
  }

  Future<Void> close();
}
