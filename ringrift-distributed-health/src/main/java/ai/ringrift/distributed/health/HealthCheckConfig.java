package ai.ringrift.distributed.health;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Thresholds and paths of the built-in local checks ({@link HealthChecks}). Immutable; build with
 * {@link #builder()}. Percentages are of capacity in use; a value at or above the degraded
 * threshold is {@code DEGRADED}, at or above the unhealthy one {@code UNHEALTHY}.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>check</th><th>degraded at</th><th>unhealthy at</th></tr>
 *   <tr><td>disk (each data directory)</td><td>85 % used</td><td>95 % used</td></tr>
 *   <tr><td>memory ({@code /proc/meminfo})</td><td>85 % used</td><td>95 % used</td></tr>
 *   <tr><td>CPU (1-minute load per core)</td><td>2.0</td><td>4.0</td></tr>
 *   <tr><td>GPU ({@code nvidia-smi})</td><td>95 % memory on a GPU</td><td>nvidia-smi fails or
 *       hangs</td></tr>
 *   <tr><td>SQLite ({@code PRAGMA quick_check})</td><td>not finished within the cap</td><td>any
 *       error</td></tr>
 *   <tr><td>backlog (e.g. WAL pending entries)</td><td>100</td><td>1000</td></tr>
 * </table>
 */
public final class HealthCheckConfig {
  private final List<Path> dataDirectories;
  private final double diskDegradedPercent;
  private final double diskUnhealthyPercent;
  private final double memoryDegradedPercent;
  private final double memoryUnhealthyPercent;
  private final double loadDegradedPerCore;
  private final double loadUnhealthyPerCore;
  private final double gpuMemoryDegradedPercent;
  private final String nvidiaSmi;
  private final Duration gpuTimeout;
  private final List<Path> sqliteDatabases;
  private final Duration sqliteTimeCap;
  private final long backlogDegraded;
  private final long backlogUnhealthy;
  private final Path procRoot;
  private final Duration checkTimeout;

  private HealthCheckConfig(Builder b) {
    dataDirectories = b.dataDirectories;
    diskDegradedPercent = b.diskDegradedPercent;
    diskUnhealthyPercent = b.diskUnhealthyPercent;
    memoryDegradedPercent = b.memoryDegradedPercent;
    memoryUnhealthyPercent = b.memoryUnhealthyPercent;
    loadDegradedPerCore = b.loadDegradedPerCore;
    loadUnhealthyPerCore = b.loadUnhealthyPerCore;
    gpuMemoryDegradedPercent = b.gpuMemoryDegradedPercent;
    nvidiaSmi = b.nvidiaSmi;
    gpuTimeout = b.gpuTimeout;
    sqliteDatabases = b.sqliteDatabases;
    sqliteTimeCap = b.sqliteTimeCap;
    backlogDegraded = b.backlogDegraded;
    backlogUnhealthy = b.backlogUnhealthy;
    procRoot = b.procRoot;
    checkTimeout = b.checkTimeout;
  }

  /**
   * A builder with the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The configuration with every default.
   *
   * @return the defaults
   */
  public static HealthCheckConfig defaults() {
    return new Builder().build();
  }

  /**
   * A builder holding this configuration's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.dataDirectories = dataDirectories;
    b.diskDegradedPercent = diskDegradedPercent;
    b.diskUnhealthyPercent = diskUnhealthyPercent;
    b.memoryDegradedPercent = memoryDegradedPercent;
    b.memoryUnhealthyPercent = memoryUnhealthyPercent;
    b.loadDegradedPerCore = loadDegradedPerCore;
    b.loadUnhealthyPerCore = loadUnhealthyPerCore;
    b.gpuMemoryDegradedPercent = gpuMemoryDegradedPercent;
    b.nvidiaSmi = nvidiaSmi;
    b.gpuTimeout = gpuTimeout;
    b.sqliteDatabases = sqliteDatabases;
    b.sqliteTimeCap = sqliteTimeCap;
    b.backlogDegraded = backlogDegraded;
    b.backlogUnhealthy = backlogUnhealthy;
    b.procRoot = procRoot;
    b.checkTimeout = checkTimeout;
    return b;
  }

  /**
   * @return directories whose file systems the disk check measures (default {@code data})
   */
  public List<Path> dataDirectories() {
    return dataDirectories;
  }

  /**
   * @return disk use (percent) at which the disk check is degraded (default 85)
   */
  public double diskDegradedPercent() {
    return diskDegradedPercent;
  }

  /**
   * @return disk use (percent) at which the disk check is unhealthy (default 95)
   */
  public double diskUnhealthyPercent() {
    return diskUnhealthyPercent;
  }

  /**
   * @return memory use (percent) at which the memory check is degraded (default 85)
   */
  public double memoryDegradedPercent() {
    return memoryDegradedPercent;
  }

  /**
   * @return memory use (percent) at which the memory check is unhealthy (default 95)
   */
  public double memoryUnhealthyPercent() {
    return memoryUnhealthyPercent;
  }

  /**
   * @return 1-minute load per core at which the CPU check is degraded (default 2.0)
   */
  public double loadDegradedPerCore() {
    return loadDegradedPerCore;
  }

  /**
   * @return 1-minute load per core at which the CPU check is unhealthy (default 4.0)
   */
  public double loadUnhealthyPerCore() {
    return loadUnhealthyPerCore;
  }

  /**
   * @return GPU memory use (percent) at which the GPU check is degraded (default 95)
   */
  public double gpuMemoryDegradedPercent() {
    return gpuMemoryDegradedPercent;
  }

  /**
   * @return the {@code nvidia-smi} command, a name looked up on PATH or a path
   */
  public String nvidiaSmi() {
    return nvidiaSmi;
  }

  /**
   * @return how long nvidia-smi may run before it is killed (default 10 s)
   */
  public Duration gpuTimeout() {
    return gpuTimeout;
  }

  /**
   * @return SQLite databases to verify (default none: no sqlite check)
   */
  public List<Path> sqliteDatabases() {
    return sqliteDatabases;
  }

  /**
   * @return time cap of {@code PRAGMA quick_check} per database (default 20 s)
   */
  public Duration sqliteTimeCap() {
    return sqliteTimeCap;
  }

  /**
   * @return backlog at which a backlog check is degraded (default 100, the seed's alert)
   */
  public long backlogDegraded() {
    return backlogDegraded;
  }

  /**
   * @return backlog at which a backlog check is unhealthy (default 1000)
   */
  public long backlogUnhealthy() {
    return backlogUnhealthy;
  }

  /**
   * @return where {@code meminfo} and {@code loadavg} are read (default {@code /proc})
   */
  public Path procRoot() {
    return procRoot;
  }

  /**
   * @return the checker timeout of each local check (default 30 s)
   */
  public Duration checkTimeout() {
    return checkTimeout;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof HealthCheckConfig && toString().equals(o.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  @Override
  public String toString() {
    return "HealthCheckConfig[dataDirectories="
        + dataDirectories
        + ", disk="
        + diskDegradedPercent
        + "/"
        + diskUnhealthyPercent
        + "%, memory="
        + memoryDegradedPercent
        + "/"
        + memoryUnhealthyPercent
        + "%, loadPerCore="
        + loadDegradedPerCore
        + "/"
        + loadUnhealthyPerCore
        + ", gpuMemoryDegraded="
        + gpuMemoryDegradedPercent
        + "%, nvidiaSmi="
        + nvidiaSmi
        + ", gpuTimeout="
        + gpuTimeout
        + ", sqliteDatabases="
        + sqliteDatabases
        + ", sqliteTimeCap="
        + sqliteTimeCap
        + ", backlog="
        + backlogDegraded
        + "/"
        + backlogUnhealthy
        + ", procRoot="
        + procRoot
        + ", checkTimeout="
        + checkTimeout
        + "]";
  }

  /** Builds a {@link HealthCheckConfig}. Not thread-safe. */
  public static final class Builder {
    private List<Path> dataDirectories = List.of(Path.of("data"));
    private double diskDegradedPercent = 85;
    private double diskUnhealthyPercent = 95;
    private double memoryDegradedPercent = 85;
    private double memoryUnhealthyPercent = 95;
    private double loadDegradedPerCore = 2.0;
    private double loadUnhealthyPerCore = 4.0;
    private double gpuMemoryDegradedPercent = 95;
    private String nvidiaSmi = "nvidia-smi";
    private Duration gpuTimeout = Duration.ofSeconds(10);
    private List<Path> sqliteDatabases = List.of();
    private Duration sqliteTimeCap = Duration.ofSeconds(20);
    private long backlogDegraded = 100;
    private long backlogUnhealthy = 1000;
    private Path procRoot = Path.of("/proc");
    private Duration checkTimeout = Duration.ofSeconds(30);

    private Builder() {}

    /**
     * Sets the directories the disk check measures.
     *
     * @param dirs at least one
     * @return this builder
     */
    public Builder dataDirectories(List<Path> dirs) {
      if (dirs.isEmpty()) {
        throw new IllegalArgumentException("dataDirectories must not be empty");
      }
      this.dataDirectories = List.copyOf(dirs);
      return this;
    }

    /**
     * Sets the disk thresholds.
     *
     * @param degraded percent used at which the check is degraded, 0–100
     * @param unhealthy percent used at which it is unhealthy, {@code degraded}–100
     * @return this builder
     */
    public Builder diskPercent(double degraded, double unhealthy) {
      percentPair("disk", degraded, unhealthy);
      this.diskDegradedPercent = degraded;
      this.diskUnhealthyPercent = unhealthy;
      return this;
    }

    /**
     * Sets the memory thresholds.
     *
     * @param degraded percent used at which the check is degraded, 0–100
     * @param unhealthy percent used at which it is unhealthy, {@code degraded}–100
     * @return this builder
     */
    public Builder memoryPercent(double degraded, double unhealthy) {
      percentPair("memory", degraded, unhealthy);
      this.memoryDegradedPercent = degraded;
      this.memoryUnhealthyPercent = unhealthy;
      return this;
    }

    /**
     * Sets the CPU thresholds, as 1-minute load average per core.
     *
     * @param degraded load per core at which the check is degraded, positive
     * @param unhealthy load per core at which it is unhealthy, at least {@code degraded}
     * @return this builder
     */
    public Builder loadPerCore(double degraded, double unhealthy) {
      if (!(degraded > 0) || !(unhealthy >= degraded) || Double.isInfinite(unhealthy)) {
        throw new IllegalArgumentException(
            "load thresholds must satisfy 0 < degraded <= unhealthy: "
                + degraded
                + ", "
                + unhealthy);
      }
      this.loadDegradedPerCore = degraded;
      this.loadUnhealthyPerCore = unhealthy;
      return this;
    }

    /**
     * Sets the GPU memory use at which the GPU check is degraded.
     *
     * @param percent 0–100
     * @return this builder
     */
    public Builder gpuMemoryDegradedPercent(double percent) {
      percentPair("gpu memory", percent, percent);
      this.gpuMemoryDegradedPercent = percent;
      return this;
    }

    /**
     * Sets the nvidia-smi command (a name looked up on PATH, or a path).
     *
     * @param command the command
     * @return this builder
     */
    public Builder nvidiaSmi(String command) {
      Objects.requireNonNull(command, "command");
      if (command.isBlank()) {
        throw new IllegalArgumentException("nvidiaSmi command must not be blank");
      }
      this.nvidiaSmi = command;
      return this;
    }

    /**
     * Sets how long nvidia-smi may run before it is killed.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder gpuTimeout(Duration timeout) {
      this.gpuTimeout = positive("gpuTimeout", timeout);
      return this;
    }

    /**
     * Sets the SQLite databases to verify with {@code PRAGMA quick_check}.
     *
     * @param databases the files
     * @return this builder
     */
    public Builder sqliteDatabases(List<Path> databases) {
      this.sqliteDatabases = List.copyOf(databases);
      return this;
    }

    /**
     * Sets the time cap of {@code PRAGMA quick_check} per database.
     *
     * @param cap positive
     * @return this builder
     */
    public Builder sqliteTimeCap(Duration cap) {
      this.sqliteTimeCap = positive("sqliteTimeCap", cap);
      return this;
    }

    /**
     * Sets the backlog thresholds.
     *
     * @param degraded pending entries at which the check is degraded, at least 1
     * @param unhealthy pending entries at which it is unhealthy, at least {@code degraded}
     * @return this builder
     */
    public Builder backlog(long degraded, long unhealthy) {
      if (degraded < 1 || unhealthy < degraded) {
        throw new IllegalArgumentException(
            "backlog thresholds must satisfy 1 <= degraded <= unhealthy: "
                + degraded
                + ", "
                + unhealthy);
      }
      this.backlogDegraded = degraded;
      this.backlogUnhealthy = unhealthy;
      return this;
    }

    /**
     * Sets where {@code meminfo} and {@code loadavg} are read (tests point it at a directory).
     *
     * @param dir the directory
     * @return this builder
     */
    public Builder procRoot(Path dir) {
      this.procRoot = Objects.requireNonNull(dir, "procRoot");
      return this;
    }

    /**
     * Sets the checker timeout of each local check.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder checkTimeout(Duration timeout) {
      this.checkTimeout = positive("checkTimeout", timeout);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the configuration
     */
    public HealthCheckConfig build() {
      return new HealthCheckConfig(this);
    }

    private static void percentPair(String what, double degraded, double unhealthy) {
      if (!(degraded >= 0 && degraded <= 100 && unhealthy >= degraded && unhealthy <= 100)) {
        throw new IllegalArgumentException(
            what
                + " thresholds must satisfy 0 <= degraded <= unhealthy <= 100: "
                + degraded
                + ", "
                + unhealthy);
      }
    }

    private static Duration positive(String what, Duration d) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + d);
      }
      return d;
    }
  }
}
