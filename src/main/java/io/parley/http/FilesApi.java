package io.parley.http;

import io.parley.config.FilesConfig;
import io.parley.files.ContentTypes;
import io.parley.files.FileQuery;
import io.parley.files.FileStore;
import io.parley.files.StoredFile;
import io.parley.protocol.ApiError;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code /v1/files}: upload (multipart, streamed to the staging directory by the route's body handler, never held
 * in memory), list, retrieve, download and delete, for the request's tenant. {@link FileStore} keeps them.
 */
final class FilesApi {

  static final Set<String> PURPOSES = Set.of("assistants", "batch", "fine-tune", "vision", "user_data", "evals");
  private static final int MAX_LIMIT = 10_000;
  private static final long MIN_EXPIRY = 3600;
  private static final long MAX_EXPIRY = 30L * 24 * 3600;
  private static final int MAX_FILENAME = 512;

  private final FileStore store;
  private final FilesConfig config;

  FilesApi(FileStore store, FilesConfig config) {
    this.store = store;
    this.config = config;
  }

  /** Before the body handler: only a multipart upload is read at all (anything else would be buffered in memory). */
  void requireMultipart(RoutingContext ctx) {
    String type = ctx.request().getHeader("content-type");
    if (type == null || !type.toLowerCase().startsWith("multipart/form-data")) {
      ctx.fail(ApiError.badRequest("invalid_request", null,
          "Upload a file as multipart/form-data with the fields 'file' and 'purpose'."));
      return;
    }
    ctx.next();
  }

  Future<Void> upload(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    FileUpload upload = theUpload(ctx.fileUploads());
    String purpose = form.get("purpose");
    if (purpose == null || purpose.isBlank()) {
      throw ApiError.missing("purpose");
    }
    if (!PURPOSES.contains(purpose)) {
      throw ApiError.invalidValue("purpose", "Invalid value for 'purpose': expected one of " + String.join(", ",
          PURPOSES.stream().sorted().toList()) + ".");
    }
    Duration ttl = ttl(form);
    if (upload.size() > config.maxBytes()) {
      throw tooLarge(config.maxBytes());
    }
    String filename = filename(upload.fileName());
    return head(ctx, upload.uploadedFileName())
        .map(head -> StoredFile.create(filename, purpose, ContentTypes.sniff(head, filename), upload.size(), ttl))
        .compose(file -> store.create(Authenticator.tenant(ctx), file, upload.uploadedFileName()).map(file))
        .compose(file -> json(ctx, file.toJson()));
  }

  Future<Void> list(RoutingContext ctx) {
    MultiMap query = ctx.queryParams();
    int limit = MAX_LIMIT;
    if (query.get("limit") != null) {
      try {
        limit = Integer.parseInt(query.get("limit"));
      } catch (NumberFormatException e) {
        throw ApiError.invalidType("limit", "an integer", query.get("limit"));
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw ApiError.invalidValue("limit", "Invalid 'limit': must be between 1 and " + MAX_LIMIT + ", got " + limit + ".");
      }
    }
    String order = query.get("order");
    if (order != null && !order.equals("asc") && !order.equals("desc")) {
      throw ApiError.invalidValue("order", "Invalid value for 'order': expected 'asc' or 'desc'.");
    }
    String purpose = query.get("purpose");
    if (purpose != null && !PURPOSES.contains(purpose)) {
      throw ApiError.invalidValue("purpose", "Invalid value for 'purpose': expected one of " + String.join(", ",
          PURPOSES.stream().sorted().toList()) + ".");
    }
    FileQuery page = new FileQuery(query.get("after"), limit, "asc".equals(order), purpose);
    return store.list(Authenticator.tenant(ctx), page).compose(files -> json(ctx, files.toJson()));
  }

  Future<Void> retrieve(RoutingContext ctx) {
    return found(ctx).compose(file -> json(ctx, file.toJson()));
  }

  /** The content as uploaded, with the type it was recognised as. */
  Future<Void> content(RoutingContext ctx) {
    return found(ctx).compose(file -> {
      ctx.response()
          .putHeader("content-type", file.contentType())
          .putHeader("content-length", Long.toString(file.bytes()))
          .putHeader("content-disposition", "attachment; filename*=UTF-8''"
              + URLEncoder.encode(file.filename(), StandardCharsets.UTF_8).replace("+", "%20"));
      return store.copyTo(Authenticator.tenant(ctx), file, ctx.response());
    });
  }

  Future<Void> delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return store.delete(Authenticator.tenant(ctx), id).compose(deleted -> deleted
        ? json(ctx, new JsonObject().put("id", id).put("object", "file").put("deleted", true))
        : Future.failedFuture(notFound(id)));
  }

  static ApiError tooLarge(long maxBytes) {
    return new ApiError(413, "invalid_request_error", "file_too_large", "file",
        "The file is larger than this gateway's limit of " + maxBytes + " bytes (files_max_bytes).");
  }

  static ApiError notFound(String id) {
    return new ApiError(404, "invalid_request_error", "not_found", null, "No such File object: " + id);
  }

  private Future<StoredFile> found(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return store.get(Authenticator.tenant(ctx), id)
        .compose(file -> file != null ? Future.succeededFuture(file) : Future.failedFuture(notFound(id)));
  }

  private static FileUpload theUpload(List<FileUpload> uploads) {
    List<FileUpload> named = uploads.stream().filter(u -> "file".equals(u.name())).toList();
    if (named.isEmpty()) {
      throw ApiError.missing("file");
    }
    if (named.size() > 1 || uploads.size() > 1) {
      throw ApiError.invalidValue("file", "Upload one file per request, in the field 'file'.");
    }
    return named.get(0);
  }

  /** {@code expires_after[anchor]=created_at} and {@code expires_after[seconds]} (3600 to 2592000), else the default. */
  private Duration ttl(MultiMap form) {
    String anchor = form.get("expires_after[anchor]");
    String seconds = form.get("expires_after[seconds]");
    if (anchor == null && seconds == null) {
      return config.ttl();
    }
    if (anchor == null || seconds == null) {
      throw ApiError.missing(anchor == null ? "expires_after[anchor]" : "expires_after[seconds]");
    }
    if (!anchor.equals("created_at")) {
      throw ApiError.invalidValue("expires_after[anchor]", "Invalid value for 'expires_after[anchor]': expected 'created_at'.");
    }
    long value;
    try {
      value = Long.parseLong(seconds.trim());
    } catch (NumberFormatException e) {
      throw ApiError.invalidType("expires_after[seconds]", "an integer", seconds);
    }
    if (value < MIN_EXPIRY || value > MAX_EXPIRY) {
      throw ApiError.invalidValue("expires_after[seconds]", "Invalid 'expires_after[seconds]': must be between "
          + MIN_EXPIRY + " and " + MAX_EXPIRY + ", got " + value + ".");
    }
    return Duration.ofSeconds(value);
  }

  /** The client's name for the file, for display only (it never becomes a path). */
  private static String filename(String given) {
    String name = given == null || given.isBlank() ? "upload" : given;
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    name = name.substring(slash + 1);
    return name.length() > MAX_FILENAME ? name.substring(0, MAX_FILENAME) : name;
  }

  /** The file's first bytes, for recognising what it is. */
  private static Future<byte[]> head(RoutingContext ctx, String path) {
    return ctx.vertx().fileSystem().open(path, new OpenOptions().setRead(true).setWrite(false))
        .compose(file -> file.read(Buffer.buffer(ContentTypes.HEAD), 0, 0, ContentTypes.HEAD)
            .map(Buffer::getBytes)
            .eventually(file::close));
  }

  private static Future<Void> json(RoutingContext ctx, JsonObject body) {
    return ctx.response().putHeader("content-type", "application/json").end(body.toBuffer());
  }
}
