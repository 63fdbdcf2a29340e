package io.parley.files;

import io.parley.protocol.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;

/**
 * The text of a stored document for a model that reads documents as text: extracted once, on a worker thread,
 * and kept with the file, so every later turn (on any replica) sends the very same text without extracting it.
 */
public final class DocumentText {

  private final Vertx vertx;
  private final FileStore store;

  public DocumentText(Vertx vertx, FileStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  /** @param param what a 400 names when the file has no text to extract (the part that names it) */
  public Future<String> of(String tenant, StoredFile file, String param) {
    if (!TextExtractor.supports(file.contentType())) {
      return Future.failedFuture(ApiError.invalidValue(param, "File '" + file.id() + "' (" + file.contentType()
          + ") has no text Parley can extract for this model, which is sent documents as text (file_inputs=text):"
          + " send PDF, Word, Excel, PowerPoint, HTML, Markdown, CSV, JSON or text files."));
    }
    return store.text(tenant, file).compose(cached -> cached != null ? Future.succeededFuture(cached)
        : store.read(tenant, file)
            .compose(content -> vertx.executeBlocking(() -> extract(file, content.getBytes(), param), false))
            .compose(text -> store.putText(tenant, file, text).map(text)));
  }

  private static String extract(StoredFile file, byte[] content, String param) {
    try {
      return TextExtractor.extract(content, file.contentType());
    } catch (IOException | RuntimeException e) {
      // Parsers' messages can quote the document: the client is told what failed, not what the parser saw.
      throw ApiError.invalidValue(param, "File '" + file.id() + "' could not be read as " + file.contentType()
          + " to send its text to this model.");
    }
  }
}
