package ai.ringrift.distributed.health;

import ai.ringrift.distributed.health.internal.DefaultHealthChecker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Runs named health checks concurrently, each under its own timeout, and aggregates their results
 * into a {@link HealthSummary}.
 *
 * <pre>{@code
 * try (HealthChecker checker = HealthChecker.builder()
 *     .localChecks(HealthCheckConfig.builder().dataDirectories(List.of(Path.of("data"))).build())
 *     .build()) {
 *   checker.addCheck("wal", HealthChecks.backlog("WAL", wal::pendingCount, 100, 1000));
 *   HealthSummary summary = checker.runChecks().join();
 *   System.out.println(HealthReports.formatHealthReport(summary));
 * }
 * }</pre>
 *
 * <p>Thread-safe. The summary future completes on one of the checker's executor threads. A check
 * that does not finish within its timeout is reported {@code UNHEALTHY} with "timed out after N s"
 * and cancelled; the others report as soon as they are done. If a {@link HealthHistory} is set,
 * every result is recorded there.
 */
public interface HealthChecker extends AutoCloseable {
  /** The timeout of a check added without one. */
  Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Starts building a checker.
   *
   * @return a builder
   */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Registers a check with the default timeout, replacing any check of the same name.
   *
   * @param name the check's name, as it appears in reports
   * @param check the check
   * @return this checker
   * @throws IllegalArgumentException if the name is blank
   */
  HealthChecker addCheck(String name, HealthCheck check);

  /**
   * Registers a check, replacing any check of the same name.
   *
   * @param name the check's name, as it appears in reports
   * @param check the check
   * @param timeout how long it may take; positive
   * @return this checker
   * @throws IllegalArgumentException if the name is blank or the timeout not positive
   */
  HealthChecker addCheck(String name, HealthCheck check, Duration timeout);

  /**
   * Unregisters a check.
   *
   * @param name the check's name
   * @return whether it was registered
   */
  boolean removeCheck(String name);

  /**
   * The registered checks' names, in registration order.
   *
   * @return an unmodifiable snapshot
   */
  List<String> checkNames();

  /**
   * Runs every check concurrently and aggregates the results. Never fails because of a check (a
   * failing check is an unhealthy component); fails with {@link HealthException} only if the
   * checker is closed.
   *
   * @return the summary, completed on a checker thread
   */
  CompletableFuture<HealthSummary> runChecks();

  /**
   * The seed README's name for {@link #runChecks()}: the health of this node now.
   *
   * @return the summary
   */
  default CompletableFuture<HealthSummary> getHealthSummary() {
    return runChecks();
  }

  /**
   * Runs one check (with its timeout).
   *
   * @param name the check's name
   * @return its result; failed with {@link HealthException} if no such check is registered or the
   *     checker is closed
   */
  CompletableFuture<ComponentHealth> runCheck(String name);

  /**
   * The summary of the last completed {@link #runChecks()}.
   *
   * @return the summary, or empty if none has completed yet
   */
  Optional<HealthSummary> lastSummary();

  /**
   * Closes the checker: stops the threads it owns (not injected ones, nor the history). Later runs
   * fail with {@link HealthException}. Idempotent.
   *
   * @return completes when closed
   */
  CompletableFuture<Void> closeAsync();

  /** Closes the checker (see {@link #closeAsync()}); does not block on running checks. */
  @Override
  void close();

  /** Builds a {@link HealthChecker}. Not thread-safe. */
  final class Builder {
    private @Nullable Executor executor;
    private @Nullable ScheduledExecutorService scheduler;
    private Clock clock = Clock.systemUTC();
    private Duration defaultTimeout = DEFAULT_TIMEOUT;
    private @Nullable HealthHistory history;
    private @Nullable HealthCheckConfig localChecks;

    private Builder() {}

    /**
     * Sets the executor checks run on (default: an owned pool of daemon threads, shut down on
     * close). An injected executor is never shut down by the checker.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the scheduler that enforces timeouts (default: an owned single daemon thread).
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets the clock results and summaries are stamped with (default the system UTC clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the timeout of checks added without one (default 30 s).
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder defaultTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("defaultTimeout must be positive: " + timeout);
      }
      this.defaultTimeout = timeout;
      return this;
    }

    /**
     * Records every result in a history (default none). The caller keeps ownership and closes it.
     *
     * @param history the history
     * @return this builder
     */
    public Builder history(HealthHistory history) {
      this.history = Objects.requireNonNull(history, "history");
      return this;
    }

    /**
     * Registers the built-in local node checks ({@code disk}, {@code memory}, {@code cpu}, {@code
     * gpu}, and {@code sqlite} if databases are configured) with the given thresholds.
     *
     * @param config thresholds and paths
     * @return this builder
     */
    public Builder localChecks(HealthCheckConfig config) {
      this.localChecks = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Builds the checker.
     *
     * @return the checker
     */
    public HealthChecker build() {
      DefaultHealthChecker checker =
          new DefaultHealthChecker(executor, scheduler, clock, defaultTimeout, history);
      if (localChecks != null) {
        HealthChecks.addLocalChecks(checker, localChecks);
      }
      return checker;
    }
  }
}
