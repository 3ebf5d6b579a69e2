package ai.ringrift.distributed.transport.http.internal;

import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hashes blocks on a second thread while the caller keeps reading and writing, so a download's
 * SHA-256 does not serialise with its network reads. The caller borrows a block ({@link #take}),
 * fills and writes it, then hands it over ({@link #submit}); the hasher returns it to the pool. At
 * most {@code blocks} blocks exist. One instance per download; the hasher is a daemon thread that
 * ends with {@link #finish} or {@link #close}.
 */
final class PipelinedDigest implements AutoCloseable {
  private record Block(byte[] buf, int len) {}

  private final MessageDigest digest;
  private final BlockingQueue<byte[]> free;
  private final BlockingQueue<Block> work;
  private final Thread hasher;
  private volatile boolean done;

  PipelinedDigest(MessageDigest digest, int blocks, int blockSize) {
    this.digest = digest;
    this.free = new ArrayBlockingQueue<>(blocks);
    this.work = new ArrayBlockingQueue<>(blocks + 1);
    for (int i = 0; i < blocks; i++) {
      free.add(new byte[blockSize]);
    }
    this.hasher = new Thread(this::loop, "p2p-sha256");
    hasher.setDaemon(true);
    hasher.start();
  }

  private void loop() {
    try {
      while (true) {
        Block b = work.take();
        if (b.len() < 0) {
          return;
        }
        digest.update(b.buf(), 0, b.len());
        free.put(b.buf());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A free block to fill; waits while the hasher is behind. */
  byte[] take() throws InterruptedException {
    return free.take();
  }

  /** Hands a filled block to the hasher. */
  void submit(byte[] buf, int len) throws InterruptedException {
    work.put(new Block(buf, len));
  }

  /** Returns an unused block to the pool. */
  void giveBack(byte[] buf) throws InterruptedException {
    free.put(buf);
  }

  /** Waits for every submitted block to be hashed. @return the digest (not yet finished) */
  MessageDigest finish() throws InterruptedException {
    work.put(new Block(new byte[0], -1));
    hasher.join();
    done = true;
    return digest;
  }

  /** Stops the hasher if {@link #finish} was not reached. Idempotent. */
  @Override
  public void close() {
    if (!done) {
      hasher.interrupt();
    }
  }
}
