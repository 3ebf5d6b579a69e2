package ai.ringrift.distributed.health;

import ai.ringrift.distributed.health.internal.GpuCheck;
import ai.ringrift.distributed.health.internal.SqliteCheck;
import ai.ringrift.distributed.health.internal.SystemChecks;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The built-in checks. Each returns a {@link HealthCheck} that does its blocking work on the
 * executor the {@link HealthChecker} passes in; thresholds come from a {@link HealthCheckConfig}
 * (defaults documented there and in {@code docs/BREAKERS-AND-HEALTH.md}).
 */
public final class HealthChecks {
  private HealthChecks() {}

  /**
   * Disk space of the configured data directories (of each one's file system).
   *
   * @param config thresholds and directories
   * @return the check
   */
  public static HealthCheck diskSpace(HealthCheckConfig config) {
    Objects.requireNonNull(config, "config");
    return blocking -> CompletableFuture.supplyAsync(() -> SystemChecks.disk(config), blocking);
  }

  /**
   * Memory in use, from {@code /proc/meminfo} ({@code MemTotal − MemAvailable}); {@code UNKNOWN} on
   * systems without it.
   *
   * @param config thresholds and proc root
   * @return the check
   */
  public static HealthCheck memory(HealthCheckConfig config) {
    Objects.requireNonNull(config, "config");
    return blocking -> CompletableFuture.supplyAsync(() -> SystemChecks.memory(config), blocking);
  }

  /**
   * CPU load: the 1-minute load average per core, from {@code /proc/loadavg}.
   *
   * @param config thresholds and proc root
   * @return the check
   */
  public static HealthCheck cpuLoad(HealthCheckConfig config) {
    Objects.requireNonNull(config, "config");
    int cores = Runtime.getRuntime().availableProcessors();
    return blocking ->
        CompletableFuture.supplyAsync(() -> SystemChecks.cpu(config, cores), blocking);
  }

  /**
   * GPU memory and utilisation via {@code nvidia-smi}. Without nvidia-smi (or without devices) the
   * check is {@code HEALTHY} with "no GPU"; nvidia-smi failing, or hanging past the GPU timeout (it
   * is then killed), is {@code UNHEALTHY}; a GPU whose memory use reaches the threshold makes it
   * {@code DEGRADED}. Cancelling the check's future kills the process.
   *
   * @param config command, timeout and threshold
   * @return the check
   */
  public static HealthCheck gpu(HealthCheckConfig config) {
    Objects.requireNonNull(config, "config");
    return blocking -> GpuCheck.run(config, blocking);
  }

  /**
   * {@code PRAGMA quick_check} of each database on a read-only connection, capped at {@link
   * HealthCheckConfig#sqliteTimeCap()} per database: any problem or an unreadable or missing file
   * is {@code UNHEALTHY}; a check that hits the cap is {@code DEGRADED}. Cancelling the check's
   * future aborts the running statement.
   *
   * @param databases the database files
   * @param config the time cap
   * @return the check
   */
  public static HealthCheck sqlite(List<Path> databases, HealthCheckConfig config) {
    List<Path> dbs = List.copyOf(databases);
    Objects.requireNonNull(config, "config");
    return blocking -> {
      AtomicBoolean cancelled = new AtomicBoolean();
      CompletableFuture<ComponentHealth> f =
          CompletableFuture.supplyAsync(
              () -> SqliteCheck.check(dbs, config.sqliteTimeCap(), cancelled::get), blocking);
      CompletableFuture<ComponentHealth> view = new CompletableFuture<>();
      f.whenComplete(
          (v, e) -> {
            if (e != null) {
              view.completeExceptionally(e);
            } else {
              view.complete(v);
            }
          });
      view.whenComplete(
          (v, e) -> {
            if (view.isCancelled()) {
              cancelled.set(true);
            }
          });
      return view;
    };
  }

  /**
   * A backlog, such as the WAL's pending entries: {@code DEGRADED} from {@code degradedAt} (the
   * seed's alert threshold is 100), {@code UNHEALTHY} from {@code unhealthyAt}. The supplier runs
   * on the checker's executor and may block briefly.
   *
   * @param what what is pending, e.g. {@code "WAL entries"}
   * @param pending the current backlog
   * @param degradedAt backlog at which the check is degraded, at least 1
   * @param unhealthyAt backlog at which it is unhealthy, at least {@code degradedAt}
   * @return the check
   */
  public static HealthCheck backlog(
      String what, LongSupplier pending, long degradedAt, long unhealthyAt) {
    Objects.requireNonNull(pending, "pending");
    return backlogAsync(
        what,
        () -> CompletableFuture.completedFuture(pending.getAsLong()),
        degradedAt,
        unhealthyAt);
  }

  /**
   * A backlog read asynchronously (see {@link #backlog(String, LongSupplier, long, long)}).
   *
   * @param what what is pending
   * @param pending starts reading the backlog
   * @param degradedAt backlog at which the check is degraded, at least 1
   * @param unhealthyAt backlog at which it is unhealthy, at least {@code degradedAt}
   * @return the check
   */
  public static HealthCheck backlogAsync(
      String what,
      Supplier<? extends CompletableFuture<Long>> pending,
      long degradedAt,
      long unhealthyAt) {
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(pending, "pending");
    if (degradedAt < 1 || unhealthyAt < degradedAt) {
      throw new IllegalArgumentException(
          "backlog thresholds must satisfy 1 <= degradedAt <= unhealthyAt: "
              + degradedAt
              + ", "
              + unhealthyAt);
    }
    return blocking ->
        CompletableFuture.supplyAsync(pending, blocking)
            .thenCompose(f -> f)
            .thenApply(
                n -> {
                  HealthStatus s =
                      n >= unhealthyAt
                          ? HealthStatus.UNHEALTHY
                          : n >= degradedAt ? HealthStatus.DEGRADED : HealthStatus.HEALTHY;
                  return ComponentHealth.of(
                      s,
                      String.format(
                          Locale.ROOT,
                          "%d %s pending (degraded at %d, unhealthy at %d)",
                          n,
                          what,
                          degradedAt,
                          unhealthyAt),
                      Map.of("pending", n, "degraded_at", degradedAt, "unhealthy_at", unhealthyAt));
                });
  }

  /**
   * Registers the local node checks on a checker, each with {@link
   * HealthCheckConfig#checkTimeout()}: {@code disk}, {@code memory}, {@code cpu}, {@code gpu}, and
   * {@code sqlite} when databases are configured.
   *
   * @param checker the checker
   * @param config thresholds and paths
   */
  public static void addLocalChecks(HealthChecker checker, HealthCheckConfig config) {
    checker.addCheck("disk", diskSpace(config), config.checkTimeout());
    checker.addCheck("memory", memory(config), config.checkTimeout());
    checker.addCheck("cpu", cpuLoad(config), config.checkTimeout());
    checker.addCheck("gpu", gpu(config), config.checkTimeout());
    if (!config.sqliteDatabases().isEmpty()) {
      checker.addCheck("sqlite", sqlite(config.sqliteDatabases(), config), config.checkTimeout());
    }
  }
}
