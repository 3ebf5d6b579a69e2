package ai.ringrift.distributed.transport.http.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers. */
public final class Sha256 {
  private Sha256() {}

  /**
   * A new digest.
   *
   * @return a SHA-256 digest
   */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Hex of a digest.
   *
   * @param d the digest
   * @return 64 lower-case hex digits
   */
  public static String hex(MessageDigest d) {
    return HexFormat.of().formatHex(d.digest());
  }

  /**
   * Feeds the first {@code length} bytes of a file into a digest. Blocking.
   *
   * @param file the file
   * @param length how many bytes
   * @param digest the digest to update
   * @throws IOException if the file cannot be read or is shorter
   */
  public static void update(Path file, long length, MessageDigest digest) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
      long done = 0;
      while (done < length) {
        buf.clear();
        if (length - done < buf.capacity()) {
          buf.limit((int) (length - done));
        }
        int n = ch.read(buf);
        if (n < 0) {
          throw new IOException(
              file + " is shorter than " + length + " bytes (ended at " + done + ")");
        }
        buf.flip();
        digest.update(buf);
        done += n;
      }
    }
  }

  /**
   * The SHA-256 of a whole file. Blocking.
   *
   * @param file the file
   * @param size its size
   * @return the hex digest
   * @throws IOException if it cannot be read
   */
  public static String ofFile(Path file, long size) throws IOException {
    MessageDigest d = newDigest();
    update(file, size, d);
    return hex(d);
  }
}
