package io.parley.files;

import io.parley.net.GuardedUrl;
import io.parley.net.RefusedUrlException;
import io.parley.net.UrlGuard;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Downloads a file or image a client names by URL into the file store's staging directory, once, under the same
 * rules as MCP server URLs ({@link UrlGuard}: http(s) only, no private, local or reserved address unless allowed,
 * every redirect checked again), at most {@code maxBytes}, and streamed to disk as it arrives.
 */
public final class UrlFetcher {

  /** What was fetched: a staged local file (for {@link FileStore#create}), its size, name and type. */
  public record Fetched(String path, long bytes, String filename, String contentType) {
  }

  private static final int MAX_REDIRECTS = 3;
  private static final int IDLE_TIMEOUT_SECONDS = 30;

  private final Vertx vertx;
  private final UrlGuard guard;
  private final HttpClient http;
  private final long maxBytes;
  private final String stagingDir;

  public UrlFetcher(Vertx vertx, boolean allowPrivateNetworks, long maxBytes, String stagingDir) {
    this.vertx = vertx;
    this.guard = new UrlGuard(vertx, allowPrivateNetworks);
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000)
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS).setTrustAll(false).setVerifyHost(true));
    this.maxBytes = maxBytes;
    this.stagingDir = stagingDir;
  }

  /** Fails with {@link FetchException} saying why (naming the host, never the path or query). */
  public Future<Fetched> fetch(String url) {
    return fetch(url, 0);
  }

  private Future<Fetched> fetch(String url, int hops) {
    return guard.check(url)
        .recover(err -> Future.failedFuture(err instanceof RefusedUrlException refused
            ? new FetchException(refused.getMessage()) : err))
        .compose(target -> http.request(target.options(HttpMethod.GET).setIdleTimeout(IDLE_TIMEOUT_SECONDS * 1000L))
            .compose(request -> request.send())
            .recover(err -> Future.failedFuture(err instanceof FetchException ? err
                : new FetchException("the host " + target.host() + " could not be reached")))
            .compose(response -> answered(url, target, response, hops)));
  }

  private Future<Fetched> answered(String url, GuardedUrl target, HttpClientResponse response, int hops) {
    int status = response.statusCode();
    String location = response.getHeader("location");
    if (status >= 300 && status < 400 && location != null) {
      response.request().reset();
      if (hops >= MAX_REDIRECTS) {
        return Future.failedFuture(new FetchException("the host " + target.host() + " redirected more than "
            + MAX_REDIRECTS + " times"));
      }
      String next;
      try {
        next = URI.create(target.origin() + target.uri()).resolve(location.trim()).toString();
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(new FetchException("the host " + target.host() + " redirected to an invalid URL"));
      }
      return fetch(next, hops + 1);
    }
    if (status != 200) {
      response.request().reset();
      return Future.failedFuture(new FetchException("the host " + target.host() + " answered HTTP " + status));
    }
    String length = response.getHeader("content-length");
    if (length != null && length.matches("\\d{1,19}") && Long.parseLong(length) > maxBytes) {
      response.request().reset();
      return Future.failedFuture(tooLarge());
    }
    String path = Path.of(stagingDir, UUID.randomUUID() + ".fetch").toString();
    response.pause();
    return vertx.fileSystem().mkdirs(stagingDir)
        .compose(v -> vertx.fileSystem().open(path, new OpenOptions().setWrite(true).setCreateNew(true)))
        .compose(file -> save(response, file)
            .eventually(file::close)
            .recover(err -> vertx.fileSystem().delete(path).otherwiseEmpty().compose(v -> Future.failedFuture(err))))
        .compose(bytes -> head(path).map(head -> {
          String filename = filename(url);
          return new Fetched(path, bytes, filename, type(head, filename, response.getHeader("content-type")));
        }));
  }

  /** Streams the body to {@code file} (pausing while the disk catches up), failing beyond {@code maxBytes}. */
  private Future<Long> save(HttpClientResponse response, AsyncFile file) {
    Promise<Long> saved = Promise.promise();
    long[] count = new long[1];
    response.handler(chunk -> {
      count[0] += chunk.length();
      if (count[0] > maxBytes) {
        response.request().reset();
        saved.tryFail(tooLarge());
        return;
      }
      file.write(chunk);
      if (file.writeQueueFull()) {
        response.pause();
        file.drainHandler(v -> response.resume());
      }
    });
    response.exceptionHandler(err -> saved.tryFail(new FetchException("the download broke off")));
    response.endHandler(v -> saved.tryComplete(count[0]));
    response.resume();
    return saved.future();
  }

  private Future<byte[]> head(String path) {
    return vertx.fileSystem().open(path, new OpenOptions().setRead(true).setWrite(false))
        .compose(file -> file.read(Buffer.buffer(ContentTypes.HEAD), 0, 0, ContentTypes.HEAD)
            .map(Buffer::getBytes)
            .eventually(file::close));
  }

  /** The sniffed type; a text type the server named more precisely (HTML, CSV, Markdown, JSON) is kept. */
  private static String type(byte[] head, String filename, String header) {
    String sniffed = ContentTypes.sniff(head, filename);
    String named = header == null ? "" : header.split(";")[0].trim().toLowerCase();
    if (sniffed.equals("text/plain") && (named.startsWith("text/") || named.equals("application/json"))) {
      return named;
    }
    return sniffed;
  }

  /** The URL's last path segment, or {@code download}. */
  static String filename(String url) {
    try {
      String path = URI.create(url).getRawPath();
      String last = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
      String decoded = URLDecoder.decode(last, StandardCharsets.UTF_8);
      return decoded.isBlank() ? "download" : decoded.length() > 255 ? decoded.substring(0, 255) : decoded;
    } catch (IllegalArgumentException e) {
      return "download";
    }
  }

  private FetchException tooLarge() {
    return new FetchException("it is larger than this gateway's limit of " + maxBytes + " bytes (files_max_bytes)");
  }

  /** Why a URL could not be fetched; its message may name the host, never the URL's path or query. */
  public static final class FetchException extends RuntimeException {
    public FetchException(String message) {
      super(message, null, false, false);
    }
  }
}
