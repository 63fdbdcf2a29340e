package io.parley.bench;

import io.parley.state.StoredResponse;
import io.vertx.core.buffer.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/** Chain serialization: one stored turn (with 10 ancestors) to the bytes kept in Redis, and back. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class StoredResponseBench {

  private StoredResponse turn;
  private Buffer encoded;

  @Setup
  public void setup() {
    turn = Fixtures.turn(10);
    encoded = turn.encode();
  }

  @Benchmark
  public Buffer encode() {
    return turn.encode();
  }

  @Benchmark
  public StoredResponse decode() {
    return StoredResponse.decode(encoded);
  }
}
