package ai.ringrift.distributed.transport;

import ai.ringrift.distributed.health.breaker.HostFault;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Root of every failure a transport reports. It names the host and the transport, and says whose
 * fault it is ({@link #fault()}), which decides what the caller does next: a {@link Fault#HOST}
 * failure counts against the host's circuit breaker and is worth trying on another route; a {@link
 * Fault#REQUEST} failure (a bad path, a 4xx) will fail the same way anywhere; an {@link
 * Fault#INTEGRITY} failure (a checksum mismatch) means the bytes were wrong, so the file is
 * discarded and may be fetched again, but the host is not blamed.
 *
 * <p>It implements the health module's {@link HostFault}, so a host's circuit breaker counts
 * exactly the {@link Fault#HOST} failures of every transport.
 */
public class TransportException extends RuntimeException implements HostFault {
  private static final long serialVersionUID = 1L;

  /** Whose fault a failure is. */
  public enum Fault {
    /**
     * The host or the network: refused, reset, timed out, 5xx, an SSH or rsync connection error.
     */
    HOST,
    /** The request: a path that does not exist or escapes its root, a 4xx, a refused live DB. */
    REQUEST,
    /** The bytes: a size or checksum mismatch after transfer. */
    INTEGRITY,
    /** The caller cancelled the operation. */
    CANCELLED
  }

  private final @Nullable String host;
  private final String transport;
  private final Fault fault;

  /**
   * Creates a failure.
   *
   * @param message what failed, naming host, transport and path
   * @param host the host involved, or {@code null} if none (a local failure)
   * @param transport the transport's name, e.g. {@code rsync}
   * @param fault whose fault it is
   * @param cause the underlying failure, if any
   */
  public TransportException(
      String message,
      @Nullable String host,
      String transport,
      Fault fault,
      @Nullable Throwable cause) {
    super(message, cause);
    this.host = host;
    this.transport = Objects.requireNonNull(transport, "transport");
    this.fault = Objects.requireNonNull(fault, "fault");
  }

  /**
   * Creates a host failure with no known host (kept for subclasses and simple uses).
   *
   * @param message what failed, naming host, transport and path
   */
  public TransportException(String message) {
    this(message, null, "unknown", Fault.HOST, null);
  }

  /**
   * Creates a host failure with no known host and a cause.
   *
   * @param message what failed, naming host, transport and path
   * @param cause the underlying failure, if any
   */
  public TransportException(String message, @Nullable Throwable cause) {
    this(message, null, "unknown", Fault.HOST, cause);
  }

  /**
   * The host involved.
   *
   * @return the host's name or address, or {@code null} for a local failure
   */
  public @Nullable String host() {
    return host;
  }

  /**
   * The transport that failed.
   *
   * @return its name, e.g. {@code http}, {@code rsync}, {@code aria2}, {@code ssh}
   */
  public String transport() {
    return transport;
  }

  /**
   * Whose fault the failure is.
   *
   * @return the fault
   */
  public Fault fault() {
    return fault;
  }

  /**
   * Whether trying again (here or on another route) may succeed: true for host and integrity
   * failures, false for bad requests and cancellations.
   *
   * @return whether a retry makes sense
   */
  public boolean isRetryable() {
    return fault == Fault.HOST || fault == Fault.INTEGRITY;
  }

  /**
   * Whether a host's circuit breaker counts this failure: only {@link Fault#HOST} failures do.
   *
   * @return whether the host is at fault
   */
  @Override
  public boolean isHostFault() {
    return fault == Fault.HOST;
  }
}
