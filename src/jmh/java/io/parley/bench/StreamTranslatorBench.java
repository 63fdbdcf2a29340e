package io.parley.bench;

import io.parley.protocol.CreateRequest;
import io.parley.protocol.Ids;
import io.parley.protocol.OutputPolicy;
import io.parley.protocol.ResponseObject;
import io.parley.protocol.SseFrames;
import io.parley.protocol.StreamTranslator;
import io.vertx.core.json.JsonObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Chunk → event translation: one content chunk of an open message, and a whole 50-chunk stream. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class StreamTranslatorBench {

  private CreateRequest request;
  private JsonObject role;
  private JsonObject content;
  private JsonObject finish;
  private StreamTranslator open;

  @Setup(Level.Trial)
  public void chunks() {
    request = Fixtures.request(true);
    role = Fixtures.chunk(new JsonObject().put("role", "assistant").put("content", ""), null);
    content = Fixtures.contentChunk("word ");
    finish = Fixtures.chunk(new JsonObject(), "stop");
  }

  /** A translator with its message item open; the text it accumulates is dropped at each iteration. */
  @Setup(Level.Iteration)
  public void openMessage() {
    open = translator();
    open.start();
    open.onChunk(role);
    open.onChunk(content);
  }

  private StreamTranslator translator() {
    JsonObject response = ResponseObject.inProgress(request, Ids.newResponseId(null), 1700000000L);
    return new StreamTranslator(response, OutputPolicy.of(request.raw()));
  }

  @Benchmark
  public List<JsonObject> onChunk() {
    return open.onChunk(content);
  }

  /** onChunk plus SSE framing of the events it returns: the per-chunk work of a relayed stream. */
  @Benchmark
  public void onChunkFramed(Blackhole bh) {
    for (JsonObject event : open.onChunk(content)) {
      bh.consume(SseFrames.event(event));
    }
  }

  /** A whole stream: start, role chunk, 50 content chunks, finish chunk, closing and terminal events, all framed. */
  @Benchmark
  public void stream50Framed(Blackhole bh) {
    StreamTranslator t = translator();
    frame(t.start(), bh);
    frame(t.onChunk(role), bh);
    for (int i = 0; i < 50; i++) {
      frame(t.onChunk(content), bh);
    }
    frame(t.onChunk(finish), bh);
    frame(t.finish(1700000001L), bh);
    bh.consume(SseFrames.event(t.terminalEvent()));
  }

  private static void frame(List<JsonObject> events, Blackhole bh) {
    for (JsonObject event : events) {
      bh.consume(SseFrames.event(event));
    }
  }
}
