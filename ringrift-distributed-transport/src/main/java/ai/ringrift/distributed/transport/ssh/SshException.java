package ai.ringrift.distributed.transport.ssh;

import ai.ringrift.distributed.transport.TransportException;
import org.jspecify.annotations.Nullable;

/**
 * An SSH operation failed before the remote command produced an exit status: the connection, the
 * host key, authentication, the timeout or the channel. A command that ran and exited non-zero is
 * not an exception; it is a {@link CommandResult}.
 */
public final class SshException extends TransportException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Reason {
    /** No address of the host accepted a connection (refused, unreachable, timed out). */
    CONNECT(Fault.HOST),
    /** The host's key is not in known_hosts or differs from the recorded one. Not retryable. */
    HOST_KEY(Fault.REQUEST),
    /** The configured key was refused or could not be read. Not retryable. */
    AUTHENTICATION(Fault.REQUEST),
    /** The command did not finish within its timeout; its channel was closed. */
    TIMEOUT(Fault.HOST),
    /** The session or channel broke while the command ran. */
    CHANNEL(Fault.HOST),
    /** The caller cancelled the command; its channel was closed. */
    CANCELLED(Fault.CANCELLED),
    /** The executor was closed. */
    CLOSED(Fault.CANCELLED);

    private final Fault fault;

    Reason(Fault fault) {
      this.fault = fault;
    }

    /**
     * Whose fault this reason is.
     *
     * @return the fault
     */
    public Fault fault() {
      return fault;
    }
  }

  private final Reason reason;

  /**
   * Creates a failure.
   *
   * @param reason what went wrong
   * @param message names the host, address and limit involved
   * @param host the host's name
   * @param cause the underlying failure, if any
   */
  public SshException(Reason reason, String message, String host, @Nullable Throwable cause) {
    super(message, host, "ssh", reason.fault(), cause);
    this.reason = reason;
  }

  /**
   * What went wrong.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}
