package ai.ringrift.distributed.transport.http;

import ai.ringrift.distributed.transport.TransportException;
import org.jspecify.annotations.Nullable;

/**
 * A failure of the HTTP P2P transport. Its {@link #kind()} says what went wrong; the subtypes let
 * callers catch the cases they handle differently. The {@link #fault()} follows from the kind: a
 * timeout, refused connection or 5xx is the host's fault (it counts against the host's breaker), a
 * 401/404/4xx is the request's, a checksum mismatch is the bytes'.
 */
public class P2PException extends TransportException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** 401: the token is missing or wrong. */
    UNAUTHORIZED(Fault.REQUEST),
    /** 404: no such file, category or route. */
    NOT_FOUND(Fault.REQUEST),
    /** Another 4xx: a bad path, an oversize request, a bad range. */
    BAD_REQUEST(Fault.REQUEST),
    /** 5xx: the peer failed (503 also when it is at its transfer limit). */
    SERVER_ERROR(Fault.HOST),
    /** No answer, or no progress, within the time allowed. */
    TIMEOUT(Fault.HOST),
    /** The connection was refused, reset or closed early. */
    CONNECTION(Fault.HOST),
    /** The peer answered something that breaks the protocol (bad JSON, a truncated stream). */
    PROTOCOL(Fault.HOST),
    /** The bytes received do not match the size or SHA-256 announced. */
    CHECKSUM_MISMATCH(Fault.INTEGRITY),
    /** A local file could not be read or written. */
    LOCAL_IO(Fault.REQUEST),
    /** The caller cancelled, or the client was closed. */
    CANCELLED(Fault.CANCELLED);

    private final Fault fault;

    Kind(Fault fault) {
      this.fault = fault;
    }

    /**
     * Whose fault this kind of failure is.
     *
     * @return the fault
     */
    public Fault fault() {
      return fault;
    }
  }

  private final Kind kind;
  private final int status;

  /**
   * Creates a failure.
   *
   * @param message what failed: host, method, path, limit
   * @param host the peer, or {@code null} for a local failure
   * @param kind what went wrong
   * @param status the HTTP status, or 0 when there was no response
   * @param cause the underlying failure, if any
   */
  public P2PException(
      String message, @Nullable String host, Kind kind, int status, @Nullable Throwable cause) {
    super(message, host, "http", kind.fault(), cause);
    this.kind = kind;
    this.status = status;
  }

  /**
   * Creates the failure of the right subtype for {@code kind}.
   *
   * @param message what failed
   * @param host the peer, or {@code null}
   * @param kind what went wrong
   * @param status the HTTP status, or 0
   * @param cause the underlying failure, or {@code null}
   * @return a new exception
   */
  public static P2PException of(
      String message, @Nullable String host, Kind kind, int status, @Nullable Throwable cause) {
    return switch (kind) {
      case UNAUTHORIZED -> new Unauthorized(message, host, status);
      case NOT_FOUND -> new NotFound(message, host, status);
      case TIMEOUT -> new Timeout(message, host, cause);
      case CHECKSUM_MISMATCH -> new ChecksumMismatch(message, host);
      case SERVER_ERROR -> new ServerError(message, host, status, cause);
      default -> new P2PException(message, host, kind, status, cause);
    };
  }

  /**
   * What went wrong.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The HTTP status the peer answered.
   *
   * @return the status, or 0 when there was no response
   */
  public int status() {
    return status;
  }

  /** 401: the cluster token is missing or wrong. Never retried. */
  public static final class Unauthorized extends P2PException {
    private static final long serialVersionUID = 1L;

    Unauthorized(String message, @Nullable String host, int status) {
      super(message, host, Kind.UNAUTHORIZED, status, null);
    }
  }

  /** 404: the file, category, game or route does not exist on the peer. Never retried. */
  public static final class NotFound extends P2PException {
    private static final long serialVersionUID = 1L;

    NotFound(String message, @Nullable String host, int status) {
      super(message, host, Kind.NOT_FOUND, status, null);
    }
  }

  /** 5xx from the peer. Retried for idempotent calls. */
  public static final class ServerError extends P2PException {
    private static final long serialVersionUID = 1L;

    ServerError(String message, @Nullable String host, int status, @Nullable Throwable cause) {
      super(message, host, Kind.SERVER_ERROR, status, cause);
    }
  }

  /** No answer or no progress in time, or the caller's deadline passed. */
  public static final class Timeout extends P2PException {
    private static final long serialVersionUID = 1L;

    Timeout(String message, @Nullable String host, @Nullable Throwable cause) {
      super(message, host, Kind.TIMEOUT, 0, cause);
    }
  }

  /** The received bytes do not match the size or SHA-256 the peer announced. */
  public static final class ChecksumMismatch extends P2PException {
    private static final long serialVersionUID = 1L;

    ChecksumMismatch(String message, @Nullable String host) {
      super(message, host, Kind.CHECKSUM_MISMATCH, 200, null);
    }
  }
}
