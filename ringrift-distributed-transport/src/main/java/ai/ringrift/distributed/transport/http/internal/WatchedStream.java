package ai.ringrift.distributed.transport.http.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A response body that closes itself when it makes no progress for the read timeout or when the
 * caller's deadline passes, so a blocked {@code read} returns with an exception instead of hanging
 * on a peer that went silent. {@link #timedOut()} tells a timeout from another failure.
 */
public final class WatchedStream extends FilterInputStream {
  private final long readTimeoutNanos;
  private final long deadlineNanos;
  private final ScheduledFuture<?> watchdog;
  private volatile long lastProgress = System.nanoTime();
  private volatile boolean timedOut;
  private long count;

  /**
   * Wraps a body.
   *
   * @param in the body
   * @param scheduler runs the watchdog
   * @param readTimeoutNanos longest pause between bytes
   * @param deadlineNanos {@link System#nanoTime()} by which everything must be read
   */
  public WatchedStream(
      InputStream in,
      ScheduledExecutorService scheduler,
      long readTimeoutNanos,
      long deadlineNanos) {
    super(in);
    this.readTimeoutNanos = readTimeoutNanos;
    this.deadlineNanos = deadlineNanos;
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), readTimeoutNanos / 4);
    this.watchdog =
        scheduler.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
  }

  private void check() {
    long now = System.nanoTime();
    if (now - lastProgress > readTimeoutNanos || now - deadlineNanos > 0) {
      timedOut = true;
      watchdog.cancel(false);
      try {
        in.close();
      } catch (IOException e) {
        // closing is all we wanted
      }
    }
  }

  /**
   * Whether the watchdog closed the stream.
   *
   * @return whether a timeout ended it
   */
  public boolean timedOut() {
    return timedOut;
  }

  /**
   * Bytes read so far.
   *
   * @return the count
   */
  public long count() {
    return count;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count++;
      lastProgress = System.nanoTime();
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      count += n;
      lastProgress = System.nanoTime();
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    watchdog.cancel(false);
    super.close();
  }
}
