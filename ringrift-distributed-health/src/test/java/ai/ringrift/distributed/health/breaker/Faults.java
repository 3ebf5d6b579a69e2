package ai.ringrift.distributed.health.breaker;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** Test failures shaped like the ones transport will raise. */
final class Faults {
  private Faults() {}

  /** An HTTP error status, a host fault only for 5xx (what transport's exception will do). */
  static final class HttpStatusException extends RuntimeException implements HostFault {
    private static final long serialVersionUID = 1L;
    private final int status;

    HttpStatusException(int status) {
      super("HTTP " + status);
      this.status = status;
    }

    @Override
    public boolean isHostFault() {
      return status >= 500;
    }
  }

  /** Bytes that arrived damaged: an I/O exception, yet not the host's fault. */
  static final class ChecksumMismatchException extends IOException implements HostFault {
    private static final long serialVersionUID = 1L;

    ChecksumMismatchException() {
      super("sha256 mismatch for models/best.pth");
    }

    @Override
    public boolean isHostFault() {
      return false;
    }
  }

  static CompletableFuture<String> failed(Throwable t) {
    return CompletableFuture.failedFuture(t);
  }

  static CompletableFuture<String> ok() {
    return CompletableFuture.completedFuture("ok");
  }
}
