package io.parley.bench;

import io.parley.protocol.CreateRequest;
import io.parley.protocol.Ids;
import io.parley.protocol.OutputPolicy;
import io.parley.protocol.ResponseObject;
import io.parley.protocol.SseFrames;
import io.parley.protocol.StreamTranslator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/** SSE framing of a text delta event (the common case) and of the terminal event carrying the whole response. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class SseFramesBench {

  private JsonObject delta;
  private JsonObject completed;

  @Setup
  public void events() {
    CreateRequest request = Fixtures.request(true);
    StreamTranslator t = new StreamTranslator(ResponseObject.inProgress(request, Ids.newResponseId(null), 1700000000L),
        OutputPolicy.of(request.raw()));
    t.start();
    t.onChunk(Fixtures.chunk(new JsonObject().put("role", "assistant").put("content", ""), null));
    delta = t.onChunk(Fixtures.contentChunk("word ")).get(0);
    for (int i = 0; i < 48; i++) {
      t.onChunk(Fixtures.contentChunk("word "));
    }
    t.finish(1700000001L);
    completed = t.terminalEvent();
  }

  @Benchmark
  public Buffer deltaEvent() {
    return SseFrames.event(delta);
  }

  @Benchmark
  public Buffer completedEvent() {
    return SseFrames.event(completed);
  }
}
