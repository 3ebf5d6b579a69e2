package ai.ringrift.distributed.core.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Small helpers for waiting on futures from blocking code on the coordinator's executor. */
final class Futures {
  private Futures() {}

  /** Waits for {@code f}; rethrows its failure unwrapped (runtime) or wrapped once (checked). */
  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(true);
      throw new CancellationException("interrupted while waiting");
    } catch (ExecutionException e) {
      Throwable c = unwrap(e);
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new CompletionException(c);
    }
  }

  /** The failure under CompletionException / ExecutionException wrappers. */
  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** One line naming a failure: its message, or its class when it has none. */
  static String reason(Throwable t) {
    Throwable c = unwrap(t);
    String m = c.getMessage();
    return m == null || m.isBlank() ? c.getClass().getSimpleName() : m;
  }
}
