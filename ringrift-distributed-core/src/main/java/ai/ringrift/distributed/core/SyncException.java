package ai.ringrift.distributed.core;

import org.jspecify.annotations.Nullable;

/**
 * Root of every failure the coordinator reports. The failure of the module underneath (a WAL,
 * storage, transport or breaker exception) is carried as the cause.
 */
public class SyncException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that names what failed.
   *
   * @param message what failed, naming category, host and path
   */
  public SyncException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the underlying cause.
   *
   * @param message what failed, naming category, host and path
   * @param cause the failure of the module underneath, if any
   */
  public SyncException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
