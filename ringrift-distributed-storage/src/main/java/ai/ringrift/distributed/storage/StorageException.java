package ai.ringrift.distributed.storage;

import org.jspecify.annotations.Nullable;

/**
 * Root of every failure the storage module reports: a file that cannot be installed, a disk without
 * room, a game database that is corrupt or of an unsupported schema version. Messages name the path
 * (and, where it applies, the size needed or the version found).
 */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that names what failed and where.
   *
   * @param message what failed, naming the path involved
   */
  public StorageException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the underlying cause.
   *
   * @param message what failed, naming the path involved
   * @param cause the underlying failure, if any
   */
  public StorageException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
