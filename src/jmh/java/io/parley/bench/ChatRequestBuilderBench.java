package io.parley.bench;

import io.parley.protocol.ChatPrefix;
import io.parley.protocol.ChatRequestBuilder;
import io.parley.protocol.CreateRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Request translation: a Responses request continuing a chain of {@code depth} turns → the Chat Completions
 * request bytes, rebuilt from the turns' items or written from the chain's cached serialized prefix.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class ChatRequestBuilderBench {

  @Param({"1", "10", "50"})
  public int depth;

  private CreateRequest request;
  private List<JsonArray> history;
  private ChatPrefix prefix;

  @Setup
  public void setup() {
    request = Fixtures.request(false);
    history = Fixtures.history(depth);
    prefix = ChatPrefix.of(history);
  }

  @Benchmark
  public JsonObject buildFromItems() {
    return ChatRequestBuilder.build(request, history, false);
  }

  /** What Parley did before the context cache held serialized prefixes: rebuild and encode the whole chain. */
  @Benchmark
  public Buffer encodeFromItems() {
    return ChatRequestBuilder.build(request, history, false).toBuffer();
  }

  /** What a turn continued from the context cache costs: the prefix's bytes copied, only the new input encoded. */
  @Benchmark
  public Buffer bodyFromCachedPrefix() {
    return ChatRequestBuilder.body(request, prefix, false);
  }
}
