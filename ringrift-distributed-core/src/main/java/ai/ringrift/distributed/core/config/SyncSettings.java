package ai.ringrift.distributed.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How syncs run: the {@code sync:} section of the hosts YAML, with environment overrides.
 * Immutable; built with {@link #builder()}.
 */
public final class SyncSettings {
  /** Games per request when pulling from a peer: 100. */
  public static final int DEFAULT_BATCH_SIZE = 100;

  /** Time limit for one category on one host: 300 s ({@code RINGRIFT_SYNC_TIMEOUT}). */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);

  /** Attempts per host after the first: 3. */
  public static final int DEFAULT_RETRY_COUNT = 3;

  /**
   * Hosts synced at once: 4. The Python cluster ran out of memory with 100 parallel rsyncs; a
   * bounded pool keeps memory flat.
   */
  public static final int DEFAULT_MAX_CONCURRENT_SYNCS = 4;

  private final int batchSize;
  private final Duration timeout;
  private final int retryCount;
  private final int maxConcurrentSyncs;

  private SyncSettings(Builder b) {
    this.batchSize = b.batchSize;
    this.timeout = b.timeout;
    this.retryCount = b.retryCount;
    this.maxConcurrentSyncs = b.maxConcurrentSyncs;
  }

  /**
   * A builder with the documented defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The defaults.
   *
   * @return settings with every default
   */
  public static SyncSettings defaults() {
    return builder().build();
  }

  /**
   * @return games per request when pulling from a peer
   */
  public int batchSize() {
    return batchSize;
  }

  /**
   * @return the time limit for one category on one host
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * @return attempts per host after the first
   */
  public int retryCount() {
    return retryCount;
  }

  /**
   * @return hosts synced at once
   */
  public int maxConcurrentSyncs() {
    return maxConcurrentSyncs;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SyncSettings s
        && batchSize == s.batchSize
        && timeout.equals(s.timeout)
        && retryCount == s.retryCount
        && maxConcurrentSyncs == s.maxConcurrentSyncs;
  }

  @Override
  public int hashCode() {
    return Objects.hash(batchSize, timeout, retryCount, maxConcurrentSyncs);
  }

  @Override
  public String toString() {
    return "SyncSettings{batchSize="
        + batchSize
        + ", timeout="
        + timeout
        + ", retryCount="
        + retryCount
        + ", maxConcurrentSyncs="
        + maxConcurrentSyncs
        + "}";
  }

  /** Builds {@link SyncSettings}; each setter validates its value. */
  public static final class Builder {
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Duration timeout = DEFAULT_TIMEOUT;
    private int retryCount = DEFAULT_RETRY_COUNT;
    private int maxConcurrentSyncs = DEFAULT_MAX_CONCURRENT_SYNCS;

    private Builder() {}

    /**
     * {@code sync.batch_size}.
     *
     * @param value 1..10000
     * @return this builder
     */
    public Builder batchSize(int value) {
      if (value < 1 || value > 10_000) {
        throw new IllegalArgumentException("must be 1..10000, was " + value);
      }
      this.batchSize = value;
      return this;
    }

    /**
     * {@code sync.timeout}.
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder timeout(Duration value) {
      Objects.requireNonNull(value, "timeout");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("must be positive, was " + value);
      }
      this.timeout = value;
      return this;
    }

    /**
     * {@code sync.retry_count}.
     *
     * @param value 0..100
     * @return this builder
     */
    public Builder retryCount(int value) {
      if (value < 0 || value > 100) {
        throw new IllegalArgumentException("must be 0..100, was " + value);
      }
      this.retryCount = value;
      return this;
    }

    /**
     * {@code sync.max_concurrent_syncs}.
     *
     * @param value 1..64
     * @return this builder
     */
    public Builder maxConcurrentSyncs(int value) {
      if (value < 1 || value > 64) {
        throw new IllegalArgumentException("must be 1..64, was " + value);
      }
      this.maxConcurrentSyncs = value;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return immutable settings
     */
    public SyncSettings build() {
      return new SyncSettings(this);
    }
  }
}
