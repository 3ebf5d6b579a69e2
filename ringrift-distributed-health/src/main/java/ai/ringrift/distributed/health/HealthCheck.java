package ai.ringrift.distributed.health;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A named asynchronous probe, registered with {@link HealthChecker#addCheck}.
 *
 * <p>Contract: the checker calls {@link #check} on one of its executor threads, so a check that
 * blocks briefly does no harm, but long blocking work should go to the given executor. The checker
 * applies the timeout: when it expires, the check's future is cancelled (a check should stop its
 * work then: kill its process, interrupt its query) and the check is reported unhealthy. A check
 * that throws, returns {@code null} or fails its future is reported unhealthy with the failure's
 * message. Checks may run concurrently with each other and, if {@code runChecks} is called again
 * before one finishes, with themselves.
 *
 * <pre>{@code
 * checker.addCheck("models", blocking -> CompletableFuture.supplyAsync(() ->
 *     Files.exists(modelDir.resolve("best.pth"))
 *         ? ComponentHealth.healthy("best.pth present")
 *         : ComponentHealth.degraded("no best.pth yet"), blocking));
 * }</pre>
 */
@FunctionalInterface
public interface HealthCheck {
  /**
   * Starts the check.
   *
   * @param blocking an executor for blocking work (the checker's)
   * @return the result; the checker fills in its name and time
   */
  CompletableFuture<ComponentHealth> check(Executor blocking);
}
