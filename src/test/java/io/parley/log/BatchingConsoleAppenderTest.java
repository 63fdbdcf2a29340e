package io.parley.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class BatchingConsoleAppenderTest {

  private final LoggerContext context = new LoggerContext();
  private final Logger logger = context.getLogger("parley.test");

  BatchingConsoleAppenderTest() {
    context.setMDCAdapter(new LogbackMDCAdapter());
  }

  @Test
  void writesEveryLineInOrderAndStopWritesWhatIsQueued() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // A flush interval longer than the test: only stop() can have written the lines.
    BatchingConsoleAppender appender = appender(out, 1_000, 60_000);
    IntStream.range(0, 500).forEach(i -> appender.doAppend(event("line " + i)));
    assertThat(out.size()).isZero();

    appender.stop();

    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).containsExactlyElementsOf(IntStream.range(0, 500).mapToObj(i -> "INFO line " + i).toList());
  }

  @Test
  void writesWithinTheFlushIntervalWithoutStopping() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BatchingConsoleAppender appender = appender(out, 1_000, 10);
    appender.doAppend(event("soon"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (out.size() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("INFO soon\n");
    appender.stop();
  }

  @Test
  void aStalledConsumerNeverBlocksTheCallerAndDroppedLinesAreReported() throws Exception {
    CountDownLatch released = new CountDownLatch(1);
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    OutputStream stalled = new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        try {
          released.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        written.write(b, off, len);
      }
    };
    BatchingConsoleAppender appender = appender(stalled, 10, 1);
    appender.doAppend(event("first"));
    Thread.sleep(100); // the writer takes "first" and blocks writing it

    assertTimeoutPreemptively(Duration.ofSeconds(2),
        () -> IntStream.range(0, 1_000).forEach(i -> appender.doAppend(event("more " + i))));
    released.countDown();
    appender.stop();

    List<String> lines = written.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0)).isEqualTo("INFO first");
    assertThat(lines).contains("WARN 990 log lines were dropped: stdout was not read fast enough");
    assertThat(lines.stream().filter(l -> l.startsWith("INFO more "))).hasSize(10);
  }

  private BatchingConsoleAppender appender(OutputStream out, int queueSize, long flushMillis) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%level %msg%n");
    encoder.start();
    BatchingConsoleAppender appender = new BatchingConsoleAppender();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.setQueueSize(queueSize);
    appender.setFlushMillis(flushMillis);
    appender.start();
    return appender;
  }

  private LoggingEvent event(String message) {
    return new LoggingEvent(Logger.FQCN, logger, Level.INFO, message, null, null);
  }
}
