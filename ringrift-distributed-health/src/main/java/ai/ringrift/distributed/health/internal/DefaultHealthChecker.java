package ai.ringrift.distributed.health.internal;

import ai.ringrift.distributed.health.ComponentHealth;
import ai.ringrift.distributed.health.HealthCheck;
import ai.ringrift.distributed.health.HealthChecker;
import ai.ringrift.distributed.health.HealthException;
import ai.ringrift.distributed.health.HealthHistory;
import ai.ringrift.distributed.health.HealthStatus;
import ai.ringrift.distributed.health.HealthSummary;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link HealthChecker}. Checks are held in a map guarded by {@code this}; a run takes a
 * snapshot of it. Each check is started on the executor; a timer on the scheduler completes its
 * result with "timed out" and cancels it (interrupting the thread if the executor is ours) when the
 * timeout expires first. No lock is held while a check or a callback runs.
 */
public final class DefaultHealthChecker implements HealthChecker {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultHealthChecker.class);
  private static final int OWNED_THREADS = 4;

  private record Registration(HealthCheck check, Duration timeout) {}

  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final @Nullable ExecutorService ownedExecutor;
  private final @Nullable ScheduledExecutorService ownedScheduler;
  private final Clock clock;
  private final Duration defaultTimeout;
  private final @Nullable HealthHistory history;
  private final Map<String, Registration> checks = new LinkedHashMap<>();
  private final AtomicReference<@Nullable HealthSummary> last = new AtomicReference<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Map<CompletableFuture<ComponentHealth>, String> inFlight =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Creates a checker.
   *
   * @param executor where checks run, or {@code null} for an owned pool
   * @param scheduler where timeouts run, or {@code null} for an owned thread
   * @param clock stamps results
   * @param defaultTimeout timeout of checks added without one
   * @param history where results are recorded, or {@code null}
   */
  public DefaultHealthChecker(
      @Nullable Executor executor,
      @Nullable ScheduledExecutorService scheduler,
      Clock clock,
      Duration defaultTimeout,
      @Nullable HealthHistory history) {
    if (executor == null) {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              OWNED_THREADS,
              OWNED_THREADS,
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              daemonThreads("ringrift-health-check-"));
      pool.allowCoreThreadTimeOut(true);
      this.ownedExecutor = pool;
      this.executor = pool;
    } else {
      this.ownedExecutor = null;
      this.executor = executor;
    }
    if (scheduler == null) {
      ScheduledThreadPoolExecutor timer =
          new ScheduledThreadPoolExecutor(1, daemonThreads("ringrift-health-timer-"));
      timer.setRemoveOnCancelPolicy(true);
      this.ownedScheduler = timer;
      this.scheduler = timer;
    } else {
      this.ownedScheduler = null;
      this.scheduler = scheduler;
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.defaultTimeout = Objects.requireNonNull(defaultTimeout, "defaultTimeout");
    this.history = history;
  }

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public HealthChecker addCheck(String name, HealthCheck check) {
    return addCheck(name, check, defaultTimeout);
  }

  @Override
  public HealthChecker addCheck(String name, HealthCheck check, Duration timeout) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(timeout, "timeout");
    if (name.isBlank()) {
      throw new IllegalArgumentException("check name must not be blank: '" + name + "'");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "timeout of check '" + name + "' must be positive: " + timeout);
    }
    synchronized (this) {
      checks.remove(name);
      checks.put(name, new Registration(check, timeout));
    }
    return this;
  }

  @Override
  public synchronized boolean removeCheck(String name) {
    return checks.remove(name) != null;
  }

  @Override
  public synchronized List<String> checkNames() {
    return List.copyOf(checks.keySet());
  }

  @Override
  public CompletableFuture<HealthSummary> runChecks() {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new HealthException("health checker is closed"));
    }
    Map<String, Registration> snapshot;
    synchronized (this) {
      snapshot = new LinkedHashMap<>(checks);
    }
    List<CompletableFuture<ComponentHealth>> results = new ArrayList<>();
    snapshot.forEach((name, reg) -> results.add(runOne(name, reg)));
    return CompletableFuture.allOf(results.toArray(CompletableFuture<?>[]::new))
        .thenApplyAsync(
            ignored -> {
              List<ComponentHealth> components = new ArrayList<>();
              for (CompletableFuture<ComponentHealth> f : results) {
                components.add(f.join());
              }
              HealthSummary summary = HealthSummary.of(components, clock.instant());
              last.set(summary);
              return summary;
            },
            safeExecutor());
  }

  @Override
  public CompletableFuture<ComponentHealth> runCheck(String name) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new HealthException("health checker is closed"));
    }
    Registration reg;
    synchronized (this) {
      reg = checks.get(name);
    }
    if (reg == null) {
      return CompletableFuture.failedFuture(
          new HealthException("no health check named '" + name + "'; registered: " + checkNames()));
    }
    return runOne(name, reg);
  }

  @Override
  public Optional<HealthSummary> lastSummary() {
    return Optional.ofNullable(last.get());
  }

  private Executor safeExecutor() {
    // After close an owned pool rejects work; complete on the caller's thread instead.
    return task -> {
      try {
        executor.execute(task);
      } catch (RejectedExecutionException e) {
        task.run();
      }
    };
  }

  private CompletableFuture<ComponentHealth> runOne(String name, Registration reg) {
    CompletableFuture<ComponentHealth> result = new CompletableFuture<>();
    AtomicReference<@Nullable CompletableFuture<ComponentHealth>> running = new AtomicReference<>();
    AtomicReference<@Nullable Future<?>> task = new AtomicReference<>();
    AtomicBoolean timedOutFirst = new AtomicBoolean();
    ScheduledFuture<?> timer;
    try {
      timer =
          scheduler.schedule(
              () -> {
                ComponentHealth timedOut =
                    ComponentHealth.of(
                            HealthStatus.UNHEALTHY,
                            "timed out after " + DefaultCircuitBreaker.seconds(reg.timeout()),
                            Map.of("timeout_seconds", reg.timeout().toMillis() / 1000.0))
                        .withName(name)
                        .withLastCheck(clock.instant());
                if (timedOutFirst.compareAndSet(false, true) && !result.isDone()) {
                  LOG.warn("health check '{}' timed out after {}", name, reg.timeout());
                  // Cancel before completing, so that whoever sees the timed-out result also
                  // sees the check cancelled; the check's own completion no longer counts.
                  CompletableFuture<ComponentHealth> f = running.get();
                  if (f != null) {
                    f.cancel(true);
                  }
                  Future<?> t = task.get();
                  if (t != null && ownedExecutor != null) {
                    t.cancel(true); // interrupts a check blocked inside check()
                  }
                  result.complete(timedOut);
                }
              },
              reg.timeout().toNanos(),
              TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new HealthException("health checker is closed", e));
    }
    Runnable start =
        () -> {
          if (result.isDone()) {
            return;
          }
          CompletableFuture<ComponentHealth> f;
          try {
            f = reg.check().check(executor);
            if (f == null) {
              f =
                  CompletableFuture.failedFuture(
                      new HealthException("check returned null instead of a future"));
            }
          } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
          }
          running.set(f);
          if (result.isDone() || timedOutFirst.get()) {
            f.cancel(true);
          }
          f.whenComplete(
              (value, error) -> {
                timer.cancel(false);
                if (!timedOutFirst.get()) {
                  result.complete(normalize(name, value, error));
                }
              });
        };
    try {
      if (ownedExecutor != null) {
        task.set(ownedExecutor.submit(start));
      } else {
        executor.execute(start);
      }
    } catch (RejectedExecutionException e) {
      timer.cancel(false);
      result.complete(normalize(name, null, new HealthException("executor rejected the check", e)));
    }
    inFlight.put(result, name);
    result.whenComplete((v, e) -> inFlight.remove(result));
    if (closed.get()) {
      failClosed(result, name);
    }
    if (history != null) {
      result.thenAccept(
          c ->
              history
                  .record(c)
                  .exceptionally(
                      e -> {
                        LOG.warn("could not record health result of '{}'", name, e);
                        return null;
                      }));
    }
    return result;
  }

  private ComponentHealth normalize(
      String name, @Nullable ComponentHealth value, @Nullable Throwable error) {
    if (error != null) {
      Throwable t = error;
      while ((t instanceof CompletionException || t instanceof ExecutionException)
          && t.getCause() != null) {
        t = t.getCause();
      }
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      LOG.debug("health check '{}' failed", name, t);
      return ComponentHealth.of(
              HealthStatus.UNHEALTHY,
              "check failed: " + message,
              Map.of("exception", t.getClass().getName()))
          .withName(name)
          .withLastCheck(clock.instant());
    }
    if (value == null) {
      return ComponentHealth.unhealthy("check completed without a result")
          .withName(name)
          .withLastCheck(clock.instant());
    }
    return value.withName(name).withLastCheck(clock.instant());
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    if (closed.compareAndSet(false, true)) {
      if (ownedExecutor != null) {
        ownedExecutor.shutdownNow();
      }
      if (ownedScheduler != null) {
        ownedScheduler.shutdownNow();
      }
      inFlight.forEach(this::failClosed);
    }
    return CompletableFuture.completedFuture(null);
  }

  private void failClosed(CompletableFuture<ComponentHealth> result, String name) {
    result.complete(normalize(name, null, new HealthException("health checker closed")));
  }

  @Override
  public void close() {
    closeAsync();
  }
}
