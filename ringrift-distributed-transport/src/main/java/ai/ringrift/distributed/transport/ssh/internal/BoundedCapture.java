package ai.ringrift.distributed.transport.ssh.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the first {@code limit} bytes written and counts the rest. Thread-safe. */
final class BoundedCapture extends OutputStream {
  private final int limit;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private long total;

  BoundedCapture(int limit) {
    this.limit = limit;
  }

  @Override
  public synchronized void write(int b) {
    if (kept.size() < limit) {
      kept.write(b);
    }
    total++;
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    int room = Math.max(0, limit - kept.size());
    kept.write(b, off, Math.min(room, len));
    total += len;
  }

  synchronized boolean truncated() {
    return total > kept.size();
  }

  synchronized long total() {
    return total;
  }

  synchronized String text() {
    return kept.toString(StandardCharsets.UTF_8);
  }
}
