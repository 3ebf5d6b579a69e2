package ai.ringrift.distributed.health;

import org.jspecify.annotations.Nullable;

/**
 * Root of every failure the health module reports (an open breaker, a failed or timed-out check, a
 * health registry that cannot be read or written). Operational failures arrive as failed futures;
 * only programmer errors are thrown directly.
 */
public class HealthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that names what failed.
   *
   * @param message what failed, naming the breaker, check or file involved
   */
  public HealthException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the underlying cause.
   *
   * @param message what failed, naming the breaker, check or file involved
   * @param cause the underlying failure, if any
   */
  public HealthException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * For stackless subtypes (such as a rejection by an open breaker, which happens often and whose
   * stack says nothing).
   *
   * @param message what failed
   * @param cause the underlying failure, if any
   * @param writableStackTrace whether to capture a stack trace
   */
  protected HealthException(String message, @Nullable Throwable cause, boolean writableStackTrace) {
    super(message, cause, false, writableStackTrace);
  }
}
