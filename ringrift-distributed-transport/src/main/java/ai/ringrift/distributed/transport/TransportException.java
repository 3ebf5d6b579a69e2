package ai.ringrift.distributed.transport;

import org.jspecify.annotations.Nullable;

/**
 * Root of every failure a transport reports. Messages name the host and the transport; subtypes say
 * whether the host is at fault (worth counting against its breaker, worth retrying elsewhere) or
 * the request is.
 */
public class TransportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that names the host and transport.
   *
   * @param message what failed, naming host, transport and path
   */
  public TransportException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the underlying cause.
   *
   * @param message what failed, naming host, transport and path
   * @param cause the underlying failure, if any
   */
  public TransportException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
