package io.parley.bench;

import io.parley.protocol.ChatRequestBuilder;
import io.parley.protocol.CreateRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Request translation: a Responses request continuing a 10-turn chain → the Chat Completions request. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class ChatRequestBuilderBench {

  private CreateRequest request;
  private List<JsonArray> history;

  @Setup
  public void setup() {
    request = Fixtures.request(false);
    history = Fixtures.history(10);
  }

  @Benchmark
  public JsonObject build10TurnChain() {
    return ChatRequestBuilder.build(request, history, false);
  }

  /** The same, encoded to the bytes that go to the provider. */
  @Benchmark
  public Buffer build10TurnChainEncoded() {
    return ChatRequestBuilder.build(request, history, false).toBuffer();
  }
}
