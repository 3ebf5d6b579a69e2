package ai.ringrift.distributed.transport.rsync;

import ai.ringrift.distributed.transport.TransportException;
import org.jspecify.annotations.Nullable;

/**
 * An rsync transfer failed. {@link #kind()} says how, {@link #exitCode()} gives rsync's exit code
 * when the process ran, and the message carries the host, the paths and the tail of rsync's stderr.
 */
public final class RsyncException extends TransportException {
  private static final long serialVersionUID = 1L;

  /** How a transfer failed, with the fault it implies. */
  public enum Kind {
    /** No address of the host accepted a connection, or ssh failed (exit 255, 10, 12). */
    CONNECTION(Fault.HOST),
    /**
     * rsync's I/O timeout or our overall time limit passed (exit 30, 35); the process was killed.
     */
    TIMEOUT(Fault.HOST),
    /** Some files were not transferred (exit 24: source files vanished). Retry later. */
    PARTIAL(Fault.HOST),
    /** Some files could not be transferred (exit 23: missing or unreadable source paths). */
    PARTIAL_ERROR(Fault.REQUEST),
    /** File I/O error at one end, e.g. a full disk (exit 11). */
    IO(Fault.HOST),
    /** A bad option, path or protocol mismatch (exit 1, 2, 3, 4, 6, 13, 14, 21, 22). */
    REQUEST(Fault.REQUEST),
    /** The request would copy a SQLite database that may be live; nothing was copied. */
    LIVE_DATABASE(Fault.REQUEST),
    /** A single-file transfer did not match the expected SHA-256; the file was removed. */
    CHECKSUM(Fault.INTEGRITY),
    /** The caller cancelled, or the transport was closed; the process group was killed. */
    CANCELLED(Fault.CANCELLED),
    /** Any other exit code. */
    OTHER(Fault.HOST);

    private final Fault fault;

    Kind(Fault fault) {
      this.fault = fault;
    }

    /**
     * Whose fault this kind is.
     *
     * @return the fault
     */
    public Fault fault() {
      return fault;
    }

    /**
     * The kind for an rsync exit code.
     *
     * @param exitCode a non-zero exit code
     * @return its kind
     */
    public static Kind ofExitCode(int exitCode) {
      return switch (exitCode) {
        case 23 -> PARTIAL_ERROR;
        case 24 -> PARTIAL;
        case 30, 35 -> TIMEOUT;
        case 255, 5, 10, 12 -> CONNECTION;
        case 11 -> IO;
        case 1, 2, 3, 4, 6, 13, 14, 21, 22 -> REQUEST;
        case 20 -> CANCELLED;
        default -> OTHER;
      };
    }
  }

  private final Kind kind;
  private final int exitCode;

  /**
   * Creates a failure.
   *
   * @param kind how the transfer failed
   * @param exitCode rsync's exit code, or -1 if it did not run or was killed
   * @param message names host, paths and rsync's stderr
   * @param host the host's name
   * @param cause the underlying failure, if any
   */
  public RsyncException(
      Kind kind, int exitCode, String message, String host, @Nullable Throwable cause) {
    super(message, host, "rsync", kind.fault(), cause);
    this.kind = kind;
    this.exitCode = exitCode;
  }

  /**
   * How the transfer failed.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * rsync's exit code.
   *
   * @return the exit code, or -1 if rsync did not run or was killed
   */
  public int exitCode() {
    return exitCode;
  }
}
