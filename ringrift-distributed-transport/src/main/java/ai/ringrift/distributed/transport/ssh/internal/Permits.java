package ai.ringrift.distributed.transport.ssh.internal;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * An asynchronous semaphore: at most {@code n} tasks run at once; the rest wait in FIFO order
 * without holding a thread. A task's permit is returned when its future completes (however it
 * completes, cancellation included).
 */
public final class Permits {
  private final Executor executor;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int available;

  public Permits(int n, Executor executor) {
    this.available = n;
    this.executor = executor;
  }

  /** Runs {@code body} on the executor once a permit is free; the permit follows {@code task}. */
  public void submit(CompletableFuture<?> task, Runnable body) {
    Runnable start =
        () -> {
          if (task.isDone()) {
            release();
            return;
          }
          task.whenComplete((r, e) -> release());
          try {
            body.run();
          } catch (Throwable t) {
            task.completeExceptionally(t);
          }
        };
    synchronized (this) {
      if (available == 0) {
        waiting.add(start);
        return;
      }
      available--;
    }
    executeOrFail(task, start);
  }

  private void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        available++;
        return;
      }
    }
    Futures.execute(executor, next);
  }

  private void executeOrFail(CompletableFuture<?> task, Runnable start) {
    try {
      executor.execute(start);
    } catch (RuntimeException e) {
      release();
      task.completeExceptionally(e);
    }
  }
}
