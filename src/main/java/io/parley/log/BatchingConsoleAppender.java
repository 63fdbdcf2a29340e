package io.parley.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Log lines to stdout, written in batches by one background thread. A thread that logs (an event loop)
 * encodes its line and queues the bytes: it never waits for the writer, never wakes it, and never makes a
 * system call. Every {@code flushMillis} the writer writes what is queued with one {@code write}. Logback's
 * AsyncAppender woke its thread and wrote once per line, which cost a context switch and a system call per
 * request on the access log; encoding stays with the caller so that the writer's turn on a CPU is a single
 * short system call, never a burst of encoding that a request would wait behind. A full queue (the log
 * consumer is stalled) drops lines, counts them and says how many in the next batch, so a slow consumer can
 * never stall request handling. Logback requires encoders to be thread-safe, as this relies on.
 */
public final class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  private static final int BATCH_BYTES = 64 * 1024;

  private final Queue<byte[]> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final ByteArrayOutputStream batch = new ByteArrayOutputStream(BATCH_BYTES);
  private Encoder<ILoggingEvent> encoder;
  private OutputStream out = new FileOutputStream(FileDescriptor.out);
  private int queueSize = 8_192;
  private long flushMillis = 10;
  private volatile boolean running;
  private Thread writer;

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  /** Lines held at most; beyond this, lines are dropped (and counted) instead of queued. */
  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  /** How long a line may wait before it is written. */
  public void setFlushMillis(long flushMillis) {
    this.flushMillis = flushMillis;
  }

  /** Where lines go: stdout unless a test says otherwise. */
  public void setOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void start() {
    if (encoder == null) {
      addError("no encoder for appender " + name);
      return;
    }
    running = true;
    writer = new Thread(this::writeLoop, "parley-log-writer");
    writer.setDaemon(true);
    writer.start();
    super.start();
  }

  /** Writes everything still queued before returning (Main stops the logger context on exit). */
  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    running = false;
    LockSupport.unpark(writer);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  protected void append(ILoggingEvent event) {
    byte[] line = encoder.encode(event);
    if (queued.incrementAndGet() > queueSize) {
      queued.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    queue.offer(line);
  }

  private void writeLoop() {
    long pause = TimeUnit.MILLISECONDS.toNanos(flushMillis);
    while (running) {
      LockSupport.parkNanos(pause);
      drain();
    }
    drain();
  }

  private void drain() {
    long lost = dropped.getAndSet(0);
    if (lost > 0) {
      batch.writeBytes(encoder.encode(droppedNotice(lost)));
    }
    for (byte[] line; (line = queue.poll()) != null; ) {
      queued.decrementAndGet();
      batch.writeBytes(line);
      if (batch.size() >= BATCH_BYTES) {
        write();
      }
    }
    write();
  }

  private void write() {
    if (batch.size() == 0) {
      return;
    }
    try {
      batch.writeTo(out);
      out.flush();
    } catch (IOException e) {
      addError("could not write log lines", e);
    }
    batch.reset();
  }

  private ILoggingEvent droppedNotice(long lost) {
    ch.qos.logback.classic.Logger logger =
        ((ch.qos.logback.classic.LoggerContext) getContext()).getLogger(BatchingConsoleAppender.class);
    return new LoggingEvent(BatchingConsoleAppender.class.getName(), logger, Level.WARN,
        lost + " log lines were dropped: stdout was not read fast enough", null, null);
  }
}
