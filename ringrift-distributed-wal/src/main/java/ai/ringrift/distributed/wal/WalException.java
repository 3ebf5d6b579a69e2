package ai.ringrift.distributed.wal;

import org.jspecify.annotations.Nullable;

/**
 * Root of every failure the WAL reports. Operational failures (I/O, corruption, back-pressure, use
 * after close) arrive as a failed future carrying a subtype of this exception; only programmer
 * errors (null or illegal arguments) are thrown directly.
 */
public class WalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that names what failed and where.
   *
   * @param message what failed, with the file, offset or limit involved
   */
  public WalException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the underlying cause.
   *
   * @param message what failed, with the file, offset or limit involved
   * @param cause the underlying failure, if any
   */
  public WalException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
