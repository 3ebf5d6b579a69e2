package ai.ringrift.distributed.transport.ssh.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/** Future helpers shared by the SSH and rsync implementations. */
public final class Futures {
  private Futures() {}

  /**
   * Maps {@code source} on {@code executor} so that failures stay unwrapped (no {@link
   * CompletionException}) and cancelling the result cancels the source (and so stops its work).
   *
   * @param source the source future
   * @param fn the mapping; what it throws fails the result
   * @param executor runs the mapping
   * @param <T> the source type
   * @param <R> the result type
   * @return the mapped future
   */
  public static <T, R> CompletableFuture<R> map(
      CompletableFuture<T> source, Function<? super T, ? extends R> fn, Executor executor) {
    CompletableFuture<R> out = new CompletableFuture<>();
    source.whenComplete(
        (r, e) -> {
          Runnable step =
              () -> {
                if (e != null) {
                  out.completeExceptionally(unwrap(e));
                  return;
                }
                try {
                  out.complete(fn.apply(r));
                } catch (RuntimeException x) {
                  out.completeExceptionally(x);
                }
              };
          try {
            executor.execute(step);
          } catch (RejectedExecutionException closed) {
            // The owner is shutting down: finish here rather than leave the future pending.
            step.run();
          }
        });
    out.whenComplete(
        (r, e) -> {
          if (out.isCancelled()) {
            source.cancel(true);
          }
        });
    return out;
  }

  /**
   * Runs {@code task} on {@code executor}, or on the calling thread if the executor has been shut
   * down (so that completions during a close are not lost).
   *
   * @param executor the executor
   * @param task the task
   */
  public static void execute(Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException closed) {
      task.run();
    }
  }

  /**
   * The cause of a {@link CompletionException}, or {@code e} itself.
   *
   * @param e a failure
   * @return the unwrapped failure
   */
  public static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }
}
