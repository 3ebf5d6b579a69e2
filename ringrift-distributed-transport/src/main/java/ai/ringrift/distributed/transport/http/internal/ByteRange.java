package ai.ringrift.distributed.transport.http.internal;

import org.jspecify.annotations.Nullable;

/**
 * A single byte range of a {@code Range} header ({@code bytes=a-b}, {@code bytes=a-}, {@code
 * bytes=-n}). Several ranges are not supported: the whole file is sent, as RFC 9110 allows.
 *
 * @param start first byte
 * @param length bytes
 */
public record ByteRange(long start, long length) {
  /** The header names an unsatisfiable range: answer 416. */
  public static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

  /**
   * Parses a header against a file size.
   *
   * @param header the header, or {@code null}
   * @param size the file's size
   * @return the range, {@code null} for the whole file, or {@link #UNSATISFIABLE}
   */
  public static @Nullable ByteRange parse(@Nullable String header, long size) {
    if (header == null) {
      return null;
    }
    String h = header.strip();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
      return null;
    }
    String spec = h.substring(6).strip();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      String a = spec.substring(0, dash).strip();
      String b = spec.substring(dash + 1).strip();
      if (a.isEmpty()) {
        if (b.isEmpty()) {
          return null;
        }
        long n = Long.parseLong(b);
        if (n <= 0) {
          return UNSATISFIABLE;
        }
        n = Math.min(n, size);
        return new ByteRange(size - n, n);
      }
      long start = Long.parseLong(a);
      if (start < 0) {
        return null;
      }
      if (start >= size) {
        return UNSATISFIABLE;
      }
      long end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
      if (end < start) {
        return null;
      }
      return new ByteRange(start, end - start + 1);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
