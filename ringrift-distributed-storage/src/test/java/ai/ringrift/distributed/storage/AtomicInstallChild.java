package ai.ringrift.distributed.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The child process of {@link AtomicInstallCrashIT}: installs {@code size} bytes of a pattern at a
 * target with {@link AtomicFiles}, printing {@code MARK} once {@code mark} bytes were produced. In
 * {@code stall} mode it then stops producing bytes, so a kill lands mid-write for sure.
 */
public final class AtomicInstallChild {
  private AtomicInstallChild() {}

  /**
   * Runs the install.
   *
   * @param args target, size, pattern seed, mark offset, {@code run} or {@code stall}
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Path target = Path.of(args[0]);
    long size = Long.parseLong(args[1]);
    int seed = Integer.parseInt(args[2]);
    long mark = Long.parseLong(args[3]);
    boolean stall = args[4].equals("stall");
    AtomicFiles.install(new Pattern(size, seed, mark, stall), target);
    System.out.println("DONE");
    System.out.flush();
  }

  /** The byte at position {@code i} of pattern {@code seed}. */
  static byte at(long i, int seed) {
    return (byte) ((i * 31 + seed * 7 + (i >>> 9)) & 0xff);
  }

  private static final class Pattern extends InputStream {
    private final long size;
    private final int seed;
    private final long mark;
    private final boolean stall;
    private long pos;
    private boolean marked;

    Pattern(long size, int seed, long mark, boolean stall) {
      this.size = size;
      this.seed = seed;
      this.mark = mark;
      this.stall = stall;
    }

    @Override
    public int read() throws IOException {
      byte[] b = new byte[1];
      return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (!marked && pos >= mark) {
        marked = true;
        System.out.println("MARK " + pos);
        System.out.flush();
        if (stall) {
          try {
            new java.util.concurrent.CountDownLatch(1).await();
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
        }
      }
      if (pos >= size) {
        return -1;
      }
      int n =
          (int) Math.min(len, Math.min(size - pos, Math.max(1, mark - pos > 0 ? mark - pos : len)));
      for (int i = 0; i < n; i++) {
        b[off + i] = at(pos + i, seed);
      }
      pos += n;
      return n;
    }
  }
}
