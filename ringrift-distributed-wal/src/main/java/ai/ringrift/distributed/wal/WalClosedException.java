package ai.ringrift.distributed.wal;

import org.jspecify.annotations.Nullable;

/**
 * The WAL was closed, or failed closed after an I/O error (a failed fsync is never retried, since a
 * retry could pretend that lost data is safe). The cause, when present, is the I/O error that
 * closed it. Reopen the directory to recover what is durable.
 */
public final class WalClosedException extends WalException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which WAL and why it is closed
   * @param cause the I/O failure that closed it, or {@code null} after a normal close
   */
  public WalClosedException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
