package ai.ringrift.distributed.health.breaker;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Implemented by exceptions that know whether they are the host's fault, so that a breaker counts
 * them correctly. Transport exceptions implement it: an HTTP 5xx, a refused or reset connection and
 * a timeout are the host's fault ({@code true}); an HTTP 4xx (our request was bad) and a checksum
 * mismatch (the bytes were damaged, the host answered) are not ({@code false}).
 *
 * <p>{@link #countsAgainstHost(Throwable)} is the default failure predicate of {@link
 * BreakerPolicy}.
 */
public interface HostFault {
  /**
   * Whether this failure means the host is unhealthy or unreachable.
   *
   * @return {@code true} if it should count towards opening the host's breaker
   */
  boolean isHostFault();

  /**
   * The default failure predicate. Walks the cause chain (at most 32 links) and decides at the
   * first link that says something:
   *
   * <ul>
   *   <li>a {@link CancellationException} (the caller cancelled): does not count;
   *   <li>a {@link HostFault}: its {@link #isHostFault()} answer;
   *   <li>an {@link IOException} (including {@code ConnectException}, {@code
   *       SocketTimeoutException}, {@code ClosedChannelException}) or a {@link TimeoutException}:
   *       counts;
   * </ul>
   *
   * <p>Anything else (programming errors, {@code IllegalStateException}, a corrupt file reported as
   * a non-I/O exception) does not count.
   *
   * @param failure the failure, possibly wrapped in {@code CompletionException} or {@code
   *     UncheckedIOException}; {@code null} means success
   * @return whether the failure counts against the host
   */
  static boolean countsAgainstHost(@Nullable Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
      if (t instanceof CancellationException) {
        return false;
      }
      if (t instanceof HostFault fault) {
        return fault.isHostFault();
      }
      if (t instanceof IOException || t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }
}
