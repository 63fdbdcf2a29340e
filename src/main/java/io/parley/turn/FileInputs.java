package io.parley.turn;

import io.parley.cache.Chain;
import io.parley.config.FileInputModes;
import io.parley.files.DocumentText;
import io.parley.files.FileGoneException;
import io.parley.files.FileStore;
import io.parley.files.StoredFile;
import io.parley.files.UrlFetcher;
import io.parley.protocol.ApiError;
import io.parley.protocol.FileParts;
import io.parley.protocol.FileParts.Content;
import io.parley.protocol.FileParts.Reference;
import io.parley.state.StoredResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;

/**
 * Puts the stored files that a turn's items name ({@code file_id}) in their place for the provider call, for the
 * turn's tenant: the bytes of each as a data URL, or, for a model that reads documents as text
 * ({@code file_inputs=text}), their extracted text (images stay images). Each distinct file is read once per turn; a turn's history is resolved when it is read from the store (a
 * chain held in memory holds its files already). An unknown file is a 400 naming the part that names it.
 */
final class FileInputs {

  /** Larger contents are base64-encoded off the event loop. */
  private static final int ENCODE_INLINE_BYTES = 256 * 1024;

  private final Vertx vertx;
  private final FileStore store;
  private final FileInputModes modes;
  private final DocumentText text;
  private final UrlFetcher fetcher;
  private final Duration ttl;

  /**
   * @param modes   which models are sent documents as their text
   * @param fetcher downloads what parts name by URL
   * @param ttl     how long a file downloaded from a URL is kept
   */
  FileInputs(Vertx vertx, FileStore store, FileInputModes modes, UrlFetcher fetcher, Duration ttl) {
    this.vertx = vertx;
    this.store = store;
    this.modes = modes;
    this.fetcher = fetcher;
    this.ttl = ttl;
    this.text = new DocumentText(vertx, store);
  }

  /**
   * The turn sending its input with the files it names in place (its own input, which is stored, keeps their ids).
   * A file or image named by an http(s) URL is downloaded first, stored as a file, and its part given that file's
   * id: the URL is fetched once, and later turns send the stored file.
   */
  Future<Turn> attach(Turn turn) {
    return fetchUrls(turn.tenant(), turn.request().input())
        .compose(v -> storeInline(turn.tenant(), turn.request().model(), turn.request().input()))
        .compose(v -> resolve(turn));
  }

  /**
   * For a model sent documents as text, an inline document ({@code file_data}) is stored as a file and its part
   * given that file's id too (it keeps its data): its text is then extracted once and cached with the file, as
   * for uploaded ones, and later turns of the chain send that text. Images and other models are left as they are.
   */
  private Future<Void> storeInline(String tenant, String model, JsonArray input) {
    if (!modes.text(model)) {
      return Future.succeededFuture();
    }
    List<Future<?>> stored = null;
    Map<String, Future<String>> seen = new HashMap<>();
    for (FileParts.InlineFile inline : FileParts.inlineFiles(input)) {
      if (stored == null) {
        stored = new ArrayList<>();
      }
      stored.add(seen.computeIfAbsent(inline.data(), data -> storeInline(tenant, inline))
          .onSuccess(fileId -> inline.part().put("file_id", fileId)));
    }
    return stored == null ? Future.succeededFuture() : Future.all(stored).mapEmpty();
  }

  private Future<String> storeInline(String tenant, FileParts.InlineFile inline) {
    String path = java.nio.file.Path.of(store.stagingDir(), java.util.UUID.randomUUID() + ".inline").toString();
    return vertx.executeBlocking(() -> Base64.getMimeDecoder().decode(inline.base64()), false)
        .compose(bytes -> {
          String filename = inline.filename() != null ? inline.filename() : "file";
          String type = inline.contentType() != null ? inline.contentType()
              : io.parley.files.ContentTypes.sniff(java.util.Arrays.copyOf(bytes, Math.min(bytes.length,
                  io.parley.files.ContentTypes.HEAD)), filename);
          return vertx.fileSystem().mkdirs(store.stagingDir())
              .compose(v -> vertx.fileSystem().writeFile(path, Buffer.buffer(bytes)))
              .compose(v -> stored(tenant, filename, type, bytes.length, path));
        })
        .recover(err -> Future.failedFuture(err instanceof IllegalArgumentException
            ? ApiError.invalidValue(inline.param(), "'" + inline.param() + "' is not valid base64.") : err));
  }

  private Future<Void> fetchUrls(String tenant, JsonArray input) {
    List<FileParts.UrlReference> urls = FileParts.urls(input, "input");
    if (urls.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<String, Future<String>> fetched = new HashMap<>();
    List<Future<?>> named = new ArrayList<>(urls.size());
    for (FileParts.UrlReference url : urls) {
      Future<String> id = fetched.computeIfAbsent(url.url(), u -> fetchAndStore(tenant, u));
      named.add(id.recover(err -> Future.failedFuture(err instanceof UrlFetcher.FetchException why
              ? ApiError.invalidValue(url.param(), "Could not fetch '" + url.param() + "': " + why.getMessage() + ".")
              : err))
          .onSuccess(fileId -> url.part().put("file_id", fileId)));
    }
    return Future.all(named).mapEmpty();
  }

  private Future<String> fetchAndStore(String tenant, String url) {
    return fetcher.fetch(url)
        .compose(fetched -> stored(tenant, fetched.filename(), fetched.contentType(), fetched.bytes(), fetched.path()));
  }

  /** The id of a {@code user_data} file made from the content staged at {@code path}, kept for the files TTL. */
  private Future<String> stored(String tenant, String filename, String contentType, long bytes, String path) {
    StoredFile file = StoredFile.create(filename, "user_data", contentType, bytes, ttl);
    return store.create(tenant, file, path).map(file.id());
  }

  private Future<Turn> resolve(Turn turn) {
    JsonArray input = turn.request().input();
    List<Reference> references = FileParts.references(input, "input");
    if (references.isEmpty()) {
      return Future.succeededFuture(turn);
    }
    return load(turn.tenant(), turn.request().model(), references, null)
        .map(files -> turn.withSentInput(FileParts.resolve(input, files)));
  }

  /** A chain read from the store, its turns' files in place. */
  Future<Chain> chain(String tenant, String model, List<StoredResponse> turns) {
    List<Reference> references = new ArrayList<>();
    for (StoredResponse turn : turns) {
      references.addAll(FileParts.references(turn.input(), "input"));
    }
    if (references.isEmpty()) {
      return Future.succeededFuture(Chain.loaded(turns));
    }
    Set<String> ids = new LinkedHashSet<>();
    references.forEach(reference -> ids.add(reference.fileId()));
    return load(tenant, model, references, "previous_response_id").map(files -> {
      List<StoredResponse> resolved = new ArrayList<>(turns.size());
      for (StoredResponse turn : turns) {
        JsonArray input = FileParts.resolve(turn.input(), files);
        resolved.add(input == turn.input() ? turn
            : new StoredResponse(turn.id(), turn.parentId(), turn.ancestors(), input, turn.response(), turn.tokens()));
      }
      return Chain.loaded(resolved, ids, modes.text(model));
    });
  }

  /** Whether {@code model} is sent documents as their text. */
  boolean asText(String model) {
    return modes.text(model);
  }

  /**
   * Whether a chain held in memory can be continued by {@code model} as it is: it names no file, or holds its
   * documents the way this model is sent them (else it is read again, its files put in place for this model).
   */
  boolean fits(Chain held, String model) {
    return held.files().isEmpty() || held.filesAsText() == modes.text(model);
  }

  /**
   * Checks that the files a chain held in memory names still exist (it holds them as they were sent): continuing
   * it fails as continuing it from the store would when one expired or was deleted.
   */
  Future<Void> stillThere(String tenant, Set<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<?>> checks = new ArrayList<>(ids.size());
    for (String id : ids) {
      checks.add(store.get(tenant, id).compose(file -> file != null ? Future.succeededFuture()
          : Future.failedFuture(missing(new Reference(id, null, false), "previous_response_id"))));
    }
    return Future.all(checks).mapEmpty();
  }

  /** A conversation's items, their files in place. */
  Future<JsonArray> items(String tenant, String model, JsonArray items) {
    List<Reference> references = FileParts.references(items, "items");
    if (references.isEmpty()) {
      return Future.succeededFuture(items);
    }
    return load(tenant, model, references, "conversation").map(files -> FileParts.resolve(items, files));
  }

  /**
   * Every distinct file named, as the model is sent it.
   *
   * @param historyParam {@code null} for this turn's input (errors name the part), else what errors name instead
   */
  private Future<Map<String, Content>> load(String tenant, String model, List<Reference> references, String historyParam) {
    Map<String, List<Reference>> byId = new LinkedHashMap<>();
    for (Reference reference : references) {
      byId.computeIfAbsent(reference.fileId(), id -> new ArrayList<>()).add(reference);
    }
    Map<String, Content> loaded = new HashMap<>();
    List<Future<?>> loads = new ArrayList<>(byId.size());
    byId.forEach((id, named) -> loads.add(store.get(tenant, id)
        .compose(file -> file == null ? Future.failedFuture(missing(named.get(0), historyParam)) : content(tenant, model, file, named))
        .recover(err -> Future.failedFuture(err instanceof FileGoneException ? missing(named.get(0), historyParam) : err))
        .onSuccess(content -> loaded.put(id, content))));
    return Future.all(loads).map(all -> loaded);
  }

  private Future<Content> content(String tenant, String model, StoredFile file, List<Reference> named) {
    boolean image = file.contentType().startsWith("image/");
    for (Reference reference : named) {
      if (reference.image() && !image) {
        return Future.failedFuture(ApiError.invalidValue(reference.param(), "File '" + file.id() + "' ("
            + file.contentType() + ") is not an image: send it as an input_file part."));
      }
    }
    if (!image && modes.text(model)) {
      return text.of(tenant, file, named.get(0).param() != null ? named.get(0).param() : "input")
          .map(extracted -> new Content(file.filename(), file.contentType(), null, extracted));
    }
    return store.read(tenant, file).compose(bytes -> dataUrl(file, bytes))
        .map(url -> new Content(file.filename(), file.contentType(), url, null));
  }

  private Future<String> dataUrl(StoredFile file, Buffer bytes) {
    String prefix = "data:" + file.contentType() + ";base64,";
    if (bytes.length() <= ENCODE_INLINE_BYTES) {
      return Future.succeededFuture(prefix + Base64.getEncoder().encodeToString(bytes.getBytes()));
    }
    return vertx.executeBlocking(() -> prefix + Base64.getEncoder().encodeToString(bytes.getBytes()), false);
  }

  private static ApiError missing(Reference reference, String historyParam) {
    if (historyParam != null) {
      return ApiError.invalidValue(historyParam, "File '" + reference.fileId() + "', which an earlier "
          + (historyParam.equals("conversation") ? "item of this conversation" : "turn of this chain")
          + " names, has expired or was deleted.");
    }
    return ApiError.invalidValue(reference.param(), "No file with id '" + reference.fileId() + "' was found"
        + " (it may have expired or been deleted).");
  }
}
