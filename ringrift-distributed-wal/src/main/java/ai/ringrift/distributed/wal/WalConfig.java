package ai.ringrift.distributed.wal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link UnifiedWal} is opened: its directory, segment size, back-pressure limit, durability
 * mode, repair mode, retention of resolved entries, clock and callback executor. Immutable; build
 * with {@link #builder(Path)}, derive variants with {@link #toBuilder()}. Every setter validates
 * its argument at once and names the bad value.
 */
public final class WalConfig {
  /** Default segment size: 64 MiB. */
  public static final long DEFAULT_SEGMENT_SIZE = 64L * 1024 * 1024;

  /** Smallest allowed segment size: 4 KiB. */
  public static final long MIN_SEGMENT_SIZE = 4096;

  /** Default back-pressure limit: 10,000 pending entries, as the Python WAL. */
  public static final int DEFAULT_MAX_PENDING = 10_000;

  /** Default retention of resolved entries before they are dropped automatically: 24 hours. */
  public static final Duration DEFAULT_RESOLVED_RETENTION = Duration.ofHours(24);

  /** When an append, commit or rollback counts as done. */
  public enum Durability {
    /**
     * The default: a future completes only after the record was written and {@code fsync}ed (group
     * commit: one fsync covers every record waiting when it starts). Survives power loss.
     */
    FSYNC,
    /**
     * A future completes once the record is written to the operating system, without waiting for an
     * fsync. Survives a crash of the JVM (the kernel keeps the bytes) but <b>not</b> a power loss
     * or kernel crash: the last appends may be lost. Segments are still fsynced when they roll and
     * on close.
     */
    OS_BUFFERED
  }

  private final Path directory;
  private final long segmentSize;
  private final int maxPending;
  private final Durability durability;
  private final boolean repairCorruption;
  private final Duration resolvedRetention;
  private final Clock clock;
  private final @Nullable Executor callbackExecutor;

  private WalConfig(Builder b) {
    this.directory = b.directory;
    this.segmentSize = b.segmentSize;
    this.maxPending = b.maxPending;
    this.durability = b.durability;
    this.repairCorruption = b.repairCorruption;
    this.resolvedRetention = b.resolvedRetention;
    this.clock = b.clock;
    this.callbackExecutor = b.callbackExecutor;
  }

  /**
   * Starts a builder with every default and the given directory.
   *
   * @param directory the WAL directory; created on open if absent
   * @return a new builder
   */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /**
   * A builder holding this configuration's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(directory);
    b.segmentSize = segmentSize;
    b.maxPending = maxPending;
    b.durability = durability;
    b.repairCorruption = repairCorruption;
    b.resolvedRetention = resolvedRetention;
    b.clock = clock;
    b.callbackExecutor = callbackExecutor;
    return b;
  }

  /**
   * The WAL directory.
   *
   * @return the directory
   */
  public Path directory() {
    return directory;
  }

  /**
   * The size at which the active segment is closed and a new one started. Segments are preallocated
   * (zero-filled) to this size when created, so each takes this much disk from the start, plus one
   * more being prepared ahead once the active one is half full.
   *
   * @return bytes per segment
   */
  public long segmentSize() {
    return segmentSize;
  }

  /**
   * How many pending entries the WAL holds before appends fail with {@link WalFullException}.
   *
   * @return the limit
   */
  public int maxPending() {
    return maxPending;
  }

  /**
   * When appends and resolutions complete.
   *
   * @return the durability mode
   */
  public Durability durability() {
    return durability;
  }

  /**
   * Whether a corrupt record in an older segment is truncated (and reported) instead of failing the
   * open with {@link WalCorruptionException}.
   *
   * @return {@code true} in repair mode
   */
  public boolean repairCorruption() {
    return repairCorruption;
  }

  /**
   * How long a committed or rolled-back entry is remembered (for {@link UnifiedWal#status(long)}
   * and idempotent appends) before it is dropped when a segment rolls. {@link
   * UnifiedWal#cleanup(Duration)} drops them earlier on request.
   *
   * @return the retention
   */
  public Duration resolvedRetention() {
    return resolvedRetention;
  }

  /**
   * The clock that stamps entries and drives retention.
   *
   * @return the clock
   */
  public Clock clock() {
    return clock;
  }

  /**
   * The executor that completes callers' futures, if the caller supplied one; otherwise the WAL
   * owns a small daemon pool and shuts it down on close.
   *
   * @return the executor, or {@code null} for the WAL's own
   */
  public @Nullable Executor callbackExecutor() {
    return callbackExecutor;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof WalConfig)) {
      return false;
    }
    WalConfig c = (WalConfig) o;
    return directory.equals(c.directory)
        && segmentSize == c.segmentSize
        && maxPending == c.maxPending
        && durability == c.durability
        && repairCorruption == c.repairCorruption
        && resolvedRetention.equals(c.resolvedRetention)
        && clock.equals(c.clock)
        && Objects.equals(callbackExecutor, c.callbackExecutor);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        directory, segmentSize, maxPending, durability, repairCorruption, resolvedRetention);
  }

  @Override
  public String toString() {
    return "WalConfig{directory="
        + directory
        + ", segmentSize="
        + segmentSize
        + ", maxPending="
        + maxPending
        + ", durability="
        + durability
        + ", repairCorruption="
        + repairCorruption
        + ", resolvedRetention="
        + resolvedRetention
        + ", clock="
        + clock
        + ", callbackExecutor="
        + (callbackExecutor == null ? "owned" : callbackExecutor)
        + "}";
  }

  /** Builds a {@link WalConfig}. Not thread-safe. */
  public static final class Builder {
    private Path directory;
    private long segmentSize = DEFAULT_SEGMENT_SIZE;
    private int maxPending = DEFAULT_MAX_PENDING;
    private Durability durability = Durability.FSYNC;
    private boolean repairCorruption;
    private Duration resolvedRetention = DEFAULT_RESOLVED_RETENTION;
    private Clock clock = Clock.systemUTC();
    private @Nullable Executor callbackExecutor;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * Sets the WAL directory.
     *
     * @param directory the directory
     * @return this builder
     */
    public Builder directory(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Sets the segment size (default 64 MiB), which is also each segment file's preallocated size
     * on disk. A record larger than a segment is refused.
     *
     * @param bytes at least {@link #MIN_SEGMENT_SIZE}, at most 1 GiB
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder segmentSize(long bytes) {
      if (bytes < MIN_SEGMENT_SIZE || bytes > (1L << 30)) {
        throw new IllegalArgumentException(
            "segmentSize must be in [" + MIN_SEGMENT_SIZE + ", 1073741824]: " + bytes);
      }
      this.segmentSize = bytes;
      return this;
    }

    /**
     * Sets the back-pressure limit (default 10,000).
     *
     * @param maxPending at least 1
     * @return this builder
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxPending(int maxPending) {
      if (maxPending < 1) {
        throw new IllegalArgumentException("maxPending must be at least 1: " + maxPending);
      }
      this.maxPending = maxPending;
      return this;
    }

    /**
     * Sets the durability mode (default {@link Durability#FSYNC}).
     *
     * @param durability the mode
     * @return this builder
     */
    public Builder durability(Durability durability) {
      this.durability = Objects.requireNonNull(durability, "durability");
      return this;
    }

    /**
     * Turns repair mode on or off (default off). In repair mode a corrupt record in an older
     * segment truncates that segment at the record and is reported in {@link
     * UnifiedWal#recoveryReport()}, losing the records after it.
     *
     * @param repair whether to repair instead of failing
     * @return this builder
     */
    public Builder repairCorruption(boolean repair) {
      this.repairCorruption = repair;
      return this;
    }

    /**
     * Sets how long resolved entries are remembered (default 24 hours).
     *
     * @param retention zero or positive
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder resolvedRetention(Duration retention) {
      Objects.requireNonNull(retention, "retention");
      if (retention.isNegative()) {
        throw new IllegalArgumentException("resolvedRetention must not be negative: " + retention);
      }
      this.resolvedRetention = retention;
      return this;
    }

    /**
     * Sets the clock (default the UTC system clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the executor that completes callers' futures (default: a daemon pool the WAL owns). The
     * WAL never shuts down an executor given here. It must not run tasks on the calling thread if
     * callers block on futures inside callbacks.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the immutable configuration
     */
    public WalConfig build() {
      return new WalConfig(this);
    }
  }
}
