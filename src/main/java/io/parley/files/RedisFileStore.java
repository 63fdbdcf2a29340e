package io.parley.files;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Files in Redis, so any replica serves any file: the content in keys of {@value #CHUNK} bytes, the metadata (the
 * file object) in one key written after them, all expiring with the file. Every key of a file carries the
 * {@code {<file id>}} hash tag, so on a Redis Cluster they share one slot and one batch reads or deletes them.
 * Each tenant has an index of its file ids (one sorted set, and one per purpose, all under a tenant hash tag), in
 * which ids sort by creation time, for listing; entries of expired files are dropped as they are found.
 *
 * <p>The metadata is a JSON string rather than a hash: {@code SET ... PX} writes it with its expiry in one command,
 * so there is never a file without one. Reads and writes go a few chunks at a time, so that no command comes near
 * the Redis timeout (which would mark the store unavailable for every request).
 */
public final class RedisFileStore implements FileStore {

  static final int CHUNK = 512 * 1024;
  /** Chunks read in one round trip: 4 MiB. */
  private static final int CHUNKS_PER_READ = 8;

  private final Vertx vertx;
  private final Redis redis;
  private final boolean cluster;
  /** Index entries older than this belong to files that have expired, whatever their TTL: trimmed on upload. */
  private final Duration longestLife;
  private final String stagingDir;

  /**
   * @param cluster     whether {@code redis} is a Redis Cluster client, which refuses a batch across hash slots
   * @param longestLife the longest a file may live
   * @param stagingDir  a local directory for content on its way in
   */
  public RedisFileStore(Vertx vertx, Redis redis, boolean cluster, Duration longestLife, String stagingDir) {
    this.vertx = vertx;
    this.stagingDir = stagingDir;
    this.redis = redis;
    this.cluster = cluster;
    this.longestLife = longestLife;
  }

  @Override
  public String stagingDir() {
    return stagingDir;
  }

  @Override
  public Future<Void> create(String tenant, StoredFile file, String contentPath) {
    return vertx.fileSystem().open(contentPath, new OpenOptions().setRead(true).setWrite(false))
        .compose(content -> writeChunks(tenant, file, content, 0).eventually(content::close))
        .eventually(() -> vertx.fileSystem().delete(contentPath).otherwiseEmpty())
        .compose(v -> redis.send(Request.cmd(Command.SET).arg(meta(tenant, file.id())).arg(file.encode().encode())
            .arg("PX").arg(file.millisLeft())))
        .compose(v -> addToIndex(tenant, file));
  }

  /** Chunk {@code index} and the ones after it, one at a time (the file is read as they are written). */
  private Future<Void> writeChunks(String tenant, StoredFile file, AsyncFile content, int index) {
    long position = (long) index * CHUNK;
    if (position >= file.bytes() && index > 0) {
      return Future.succeededFuture();
    }
    int length = (int) Math.min(CHUNK, file.bytes() - position);
    return content.read(Buffer.buffer(length), 0, position, length)
        .compose(chunk -> redis.send(Request.cmd(Command.SET).arg(chunk(tenant, file.id(), index)).arg(chunk)
            .arg("PX").arg(file.millisLeft())))
        .compose(v -> writeChunks(tenant, file, content, index + 1));
  }

  private Future<Void> addToIndex(String tenant, StoredFile file) {
    String oldest = StoredFile.firstIdAt(System.currentTimeMillis() - longestLife.toMillis());
    long keep = longestLife.toMillis();
    List<Request> writes = new ArrayList<>();
    for (String index : List.of(indexKey(tenant, null), indexKey(tenant, file.purpose()))) {
      writes.add(Request.cmd(Command.ZADD).arg(index).arg(0).arg(file.id()));
      writes.add(Request.cmd(Command.ZREMRANGEBYLEX).arg(index).arg("-").arg("(" + oldest));
      writes.add(Request.cmd(Command.PEXPIRE).arg(index).arg(keep));
    }
    return redis.batch(writes).mapEmpty();
  }

  @Override
  public Future<StoredFile> get(String tenant, String id) {
    if (!StoredFile.isFileId(id)) {
      return Future.succeededFuture();
    }
    return redis.send(Request.cmd(Command.GET).arg(meta(tenant, id))).map(RedisFileStore::decode);
  }

  @Override
  public Future<FilePage> list(String tenant, FileQuery query) {
    return collect(tenant, query, query.after(), new ArrayList<>());
  }

  /** Reads ids after {@code after} and their metadata until the page is full or the index ends. */
  private Future<FilePage> collect(String tenant, FileQuery query, String after, List<StoredFile> found) {
    int wanted = query.limit() + 1 - found.size();
    String index = indexKey(tenant, query.purpose());
    Request range = query.ascending()
        ? Request.cmd(Command.ZRANGEBYLEX).arg(index).arg(after == null ? "-" : "(" + after).arg("+")
        : Request.cmd(Command.ZREVRANGEBYLEX).arg(index).arg(after == null ? "+" : "(" + after).arg("-");
    return redis.send(range.arg("LIMIT").arg(0).arg(wanted)).compose(ids -> {
      List<String> listed = new ArrayList<>(ids.size());
      ids.forEach(id -> listed.add(id.toString()));
      return metas(tenant, listed).compose(metas -> {
        List<String> stale = new ArrayList<>();
        for (int i = 0; i < listed.size(); i++) {
          if (metas.get(i) == null) {
            stale.add(listed.get(i));
          } else {
            found.add(metas.get(i));
          }
        }
        Future<Void> dropped = stale.isEmpty() ? Future.succeededFuture() : unindex(tenant, query.purpose(), stale);
        if (found.size() > query.limit()) {
          return dropped.map(v -> new FilePage(List.copyOf(found.subList(0, query.limit())), true));
        }
        if (listed.size() < wanted) {
          return dropped.map(v -> new FilePage(List.copyOf(found), false));
        }
        return dropped.compose(v -> collect(tenant, query, listed.get(listed.size() - 1), found));
      });
    });
  }

  /** The metadata of each id, {@code null} where the file is gone. */
  private Future<List<StoredFile>> metas(String tenant, List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    if (!cluster) {
      Request mget = Request.cmd(Command.MGET);
      ids.forEach(id -> mget.arg(meta(tenant, id)));
      return redis.send(mget).map(values -> {
        List<StoredFile> files = new ArrayList<>(ids.size());
        values.forEach(value -> files.add(decode(value)));
        return files;
      });
    }
    // Each file's keys are in their own slot: one GET each, all at once.
    List<Future<StoredFile>> gets = new ArrayList<>(ids.size());
    ids.forEach(id -> gets.add(get(tenant, id)));
    return Future.all(gets).map(all -> all.<StoredFile>list());
  }

  private Future<Void> unindex(String tenant, String purpose, List<String> ids) {
    Request all = Request.cmd(Command.ZREM).arg(indexKey(tenant, null));
    ids.forEach(all::arg);
    if (purpose == null) {
      return redis.send(all).mapEmpty();
    }
    Request byPurpose = Request.cmd(Command.ZREM).arg(indexKey(tenant, purpose));
    ids.forEach(byPurpose::arg);
    return redis.batch(List.of(all, byPurpose)).mapEmpty();
  }

  @Override
  public Future<Boolean> delete(String tenant, String id) {
    return get(tenant, id).compose(file -> {
      if (file == null) {
        return Future.succeededFuture(false);
      }
      Request del = Request.cmd(Command.DEL).arg(meta(tenant, id)).arg(text(tenant, id));
      for (int i = 0; i < chunks(file); i++) {
        del.arg(chunk(tenant, id, i));
      }
      return redis.send(del)
          .compose(deleted -> unindex(tenant, file.purpose(), List.of(id)).map(deleted.toLong() > 0));
    });
  }

  @Override
  public Future<Buffer> read(String tenant, StoredFile file) {
    Buffer content = Buffer.buffer((int) Math.min(Integer.MAX_VALUE - 8, file.bytes()));
    return readChunks(tenant, file, 0, batch -> {
      content.appendBuffer(batch);
      return Future.succeededFuture();
    }).map(content);
  }

  @Override
  public Future<Void> copyTo(String tenant, StoredFile file, WriteStream<Buffer> out) {
    // Each write's future completes once it is handed to the connection: the next chunks are read only then.
    return readChunks(tenant, file, 0, out::write).compose(v -> out.end());
  }

  /** Reads {@link #CHUNKS_PER_READ} chunks at a time from {@code from} on, handing each batch to {@code sink}. */
  private Future<Void> readChunks(String tenant, StoredFile file, int from, java.util.function.Function<Buffer, Future<Void>> sink) {
    int total = chunks(file);
    if (from >= total) {
      return Future.succeededFuture();
    }
    List<Request> gets = new ArrayList<>(CHUNKS_PER_READ);
    for (int i = from; i < Math.min(total, from + CHUNKS_PER_READ); i++) {
      gets.add(Request.cmd(Command.GET).arg(chunk(tenant, file.id(), i)));
    }
    return redis.batch(gets).compose(values -> {
      Buffer batch = Buffer.buffer();
      for (Response value : values) {
        if (value == null) {
          return Future.failedFuture(new FileGoneException(file.id()));
        }
        batch.appendBuffer(value.toBuffer());
      }
      return sink.apply(batch);
    }).compose(v -> readChunks(tenant, file, from + gets.size(), sink));
  }

  @Override
  public Future<String> text(String tenant, StoredFile file) {
    return redis.send(Request.cmd(Command.GET).arg(text(tenant, file.id())))
        .map(value -> value == null ? null : value.toString());
  }

  @Override
  public Future<Void> putText(String tenant, StoredFile file, String text) {
    return redis.send(Request.cmd(Command.SET).arg(text(tenant, file.id())).arg(text).arg("PX").arg(file.millisLeft()))
        .mapEmpty();
  }

  /** Nothing to release: the client is the process's, closed by whoever created it. */
  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  /** An empty file still has one (empty) chunk. */
  private static int chunks(StoredFile file) {
    return (int) Math.max(1, (file.bytes() + CHUNK - 1) / CHUNK);
  }

  private static StoredFile decode(Response value) {
    return value == null ? null : StoredFile.decode(new JsonObject(value.toBuffer()));
  }

  private static String meta(String tenant, String id) {
    return "parley:" + tenant + ":file:{" + id + "}";
  }

  private static String chunk(String tenant, String id, int index) {
    return meta(tenant, id) + ":" + index;
  }

  private static String text(String tenant, String id) {
    return meta(tenant, id) + ":text";
  }

  /** The tenant's index of every file ({@code purpose} null) or of one purpose's; all share the tenant's slot. */
  private static String indexKey(String tenant, String purpose) {
    String all = "parley:" + tenant + ":files:{" + tenant + "}";
    return purpose == null ? all : all + ":" + purpose;
  }
}
