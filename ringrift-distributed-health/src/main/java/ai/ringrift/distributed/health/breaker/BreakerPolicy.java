package ai.ringrift.distributed.health.breaker;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The immutable configuration of a breaker. Build one with {@link #builder()} or start from {@link
 * #hostDefaults()} / {@link #trainingDefaults()} and adjust with {@link #toBuilder()}. Every setter
 * validates its argument at once and names the bad value.
 *
 * <p>Open periods: the n-th consecutive open lasts {@code min(recoveryTimeout ×
 * backoffMultiplier^(n − 1), maxBackoff)}; from the second one on it is scaled by a random factor
 * in {@code [1 − jitter, 1 + jitter]} and kept within {@code [recoveryTimeout, maxBackoff]}. The
 * first open lasts exactly {@code recoveryTimeout}. A half-open probe that gives no answer within
 * {@code probeTimeout} of its admission counts as a failed probe, so a probe that hangs forever
 * cannot keep the breaker half-open forever.
 */
public final class BreakerPolicy {
  /** Host breakers: consecutive failures that open the breaker (the Python cluster's 3). */
  public static final int DEFAULT_HOST_FAILURE_THRESHOLD = 3;

  /** Host breakers: the first open period (the Python cluster's 120 s). */
  public static final Duration DEFAULT_HOST_RECOVERY_TIMEOUT = Duration.ofSeconds(120);

  /** Host breakers: the longest open period, reached after five consecutive opens. */
  public static final Duration DEFAULT_HOST_MAX_BACKOFF = Duration.ofMinutes(30);

  /** Training breaker: consecutive failures that open it (the Python cluster's 5). */
  public static final int DEFAULT_TRAINING_FAILURE_THRESHOLD = 5;

  /** Training breaker: the first open period, really 600 s (Python silently capped it at 180 s). */
  public static final Duration DEFAULT_TRAINING_RECOVERY_TIMEOUT = Duration.ofSeconds(600);

  /** Training breaker: the longest open period. */
  public static final Duration DEFAULT_TRAINING_MAX_BACKOFF = Duration.ofHours(1);

  /** Probe calls admitted per half-open period. */
  public static final int DEFAULT_HALF_OPEN_REQUESTS = 1;

  /** Growth of the open period per consecutive open. */
  public static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;

  /** Random spread of repeated open periods, as a fraction (±10 %). */
  public static final double DEFAULT_JITTER = 0.1;

  private final int failureThreshold;
  private final Duration recoveryTimeout;
  private final int halfOpenRequests;
  private final double backoffMultiplier;
  private final Duration maxBackoff;
  private final double jitter;
  private final @Nullable Duration probeTimeout;
  private final Predicate<Throwable> failurePredicate;

  private BreakerPolicy(Builder b) {
    this.failureThreshold = b.failureThreshold;
    this.recoveryTimeout = b.recoveryTimeout;
    this.halfOpenRequests = b.halfOpenRequests;
    this.backoffMultiplier = b.backoffMultiplier;
    this.maxBackoff = b.maxBackoff;
    this.jitter = b.jitter;
    this.probeTimeout = b.probeTimeout;
    this.failurePredicate = b.failurePredicate;
  }

  /**
   * A builder with the host defaults (3 failures, 120 s, 1 probe, ×2 up to 30 min, ±10 %).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The host breaker defaults: 3 consecutive failures, 120 s, 1 half-open probe, doubling up to 30
   * minutes with ±10 % jitter, {@link HostFault#countsAgainstHost} as failure predicate.
   *
   * @return the policy
   */
  public static BreakerPolicy hostDefaults() {
    return new Builder().build();
  }

  /**
   * The training breaker defaults: 5 consecutive failures, 600 s, 1 half-open probe, doubling up to
   * 1 hour with ±10 % jitter.
   *
   * @return the policy
   */
  public static BreakerPolicy trainingDefaults() {
    return new Builder()
        .failureThreshold(DEFAULT_TRAINING_FAILURE_THRESHOLD)
        .recoveryTimeout(DEFAULT_TRAINING_RECOVERY_TIMEOUT)
        .maxBackoff(DEFAULT_TRAINING_MAX_BACKOFF)
        .build();
  }

  /**
   * A builder holding this policy's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.failureThreshold = failureThreshold;
    b.recoveryTimeout = recoveryTimeout;
    b.halfOpenRequests = halfOpenRequests;
    b.backoffMultiplier = backoffMultiplier;
    b.maxBackoff = maxBackoff;
    b.jitter = jitter;
    b.probeTimeout = probeTimeout;
    b.failurePredicate = failurePredicate;
    return b;
  }

  /**
   * Consecutive counted failures that open a closed breaker.
   *
   * @return at least 1
   */
  public int failureThreshold() {
    return failureThreshold;
  }

  /**
   * The first open period; later ones grow from it.
   *
   * @return a positive duration
   */
  public Duration recoveryTimeout() {
    return recoveryTimeout;
  }

  /**
   * Probe calls admitted per half-open period; all must succeed to close the breaker.
   *
   * @return at least 1
   */
  public int halfOpenRequests() {
    return halfOpenRequests;
  }

  /**
   * Growth of the open period per consecutive open.
   *
   * @return at least 1.0
   */
  public double backoffMultiplier() {
    return backoffMultiplier;
  }

  /**
   * The longest open period, a hard cap (jitter included).
   *
   * @return at least {@link #recoveryTimeout()}
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * The random spread of repeated open periods, as a fraction.
   *
   * @return in {@code [0, 1)}
   */
  public double jitter() {
    return jitter;
  }

  /**
   * How long a half-open breaker waits for a probe's answer, from the probe's admission, before
   * counting it as failed. Defaults to {@link #recoveryTimeout()}.
   *
   * @return a positive duration
   */
  public Duration probeTimeout() {
    return probeTimeout != null ? probeTimeout : recoveryTimeout;
  }

  /**
   * Decides which failures count towards opening the breaker; a failure it rejects counts as a
   * success (the host answered). A cancellation never counts either way.
   *
   * @return the predicate
   */
  public Predicate<Throwable> failurePredicate() {
    return failurePredicate;
  }

  /**
   * The open period of the n-th consecutive open before jitter.
   *
   * @param consecutiveOpens n, at least 1
   * @return {@code min(recoveryTimeout × multiplier^(n − 1), maxBackoff)}
   */
  public Duration openPeriod(int consecutiveOpens) {
    if (consecutiveOpens < 1) {
      throw new IllegalArgumentException("consecutiveOpens must be >= 1: " + consecutiveOpens);
    }
    double nanos =
        recoveryTimeout.toNanos()
            * Math.pow(backoffMultiplier, Math.min(consecutiveOpens - 1, 4096));
    double cap = maxBackoff.toNanos();
    return Duration.ofNanos((long) Math.min(nanos, cap));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof BreakerPolicy)) {
      return false;
    }
    BreakerPolicy p = (BreakerPolicy) o;
    return failureThreshold == p.failureThreshold
        && halfOpenRequests == p.halfOpenRequests
        && Double.compare(backoffMultiplier, p.backoffMultiplier) == 0
        && Double.compare(jitter, p.jitter) == 0
        && recoveryTimeout.equals(p.recoveryTimeout)
        && maxBackoff.equals(p.maxBackoff)
        && probeTimeout().equals(p.probeTimeout())
        && failurePredicate.equals(p.failurePredicate);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        failureThreshold,
        recoveryTimeout,
        halfOpenRequests,
        backoffMultiplier,
        maxBackoff,
        jitter,
        probeTimeout(),
        failurePredicate);
  }

  @Override
  public String toString() {
    return "BreakerPolicy[failureThreshold="
        + failureThreshold
        + ", recoveryTimeout="
        + recoveryTimeout
        + ", halfOpenRequests="
        + halfOpenRequests
        + ", backoffMultiplier="
        + backoffMultiplier
        + ", maxBackoff="
        + maxBackoff
        + ", jitter="
        + jitter
        + ", probeTimeout="
        + probeTimeout()
        + ", failurePredicate="
        + (failurePredicate == DEFAULT_PREDICATE ? "HostFault::countsAgainstHost" : "custom")
        + "]";
  }

  private static final Predicate<Throwable> DEFAULT_PREDICATE = HostFault::countsAgainstHost;

  /** Builds a {@link BreakerPolicy}; starts from the host defaults. Not thread-safe. */
  public static final class Builder {
    private int failureThreshold = DEFAULT_HOST_FAILURE_THRESHOLD;
    private Duration recoveryTimeout = DEFAULT_HOST_RECOVERY_TIMEOUT;
    private int halfOpenRequests = DEFAULT_HALF_OPEN_REQUESTS;
    private double backoffMultiplier = DEFAULT_BACKOFF_MULTIPLIER;
    private Duration maxBackoff = DEFAULT_HOST_MAX_BACKOFF;
    private double jitter = DEFAULT_JITTER;
    private @Nullable Duration probeTimeout;
    private Predicate<Throwable> failurePredicate = DEFAULT_PREDICATE;

    private Builder() {}

    /**
     * Sets how many consecutive counted failures open the breaker.
     *
     * @param threshold at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code threshold < 1}
     */
    public Builder failureThreshold(int threshold) {
      if (threshold < 1) {
        throw new IllegalArgumentException("failureThreshold must be >= 1: " + threshold);
      }
      this.failureThreshold = threshold;
      return this;
    }

    /**
     * Sets the first open period.
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder recoveryTimeout(Duration timeout) {
      this.recoveryTimeout = positive("recoveryTimeout", timeout);
      return this;
    }

    /**
     * Sets how many probes a half-open breaker admits.
     *
     * @param requests at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code requests < 1}
     */
    public Builder halfOpenRequests(int requests) {
      if (requests < 1) {
        throw new IllegalArgumentException("halfOpenRequests must be >= 1: " + requests);
      }
      this.halfOpenRequests = requests;
      return this;
    }

    /**
     * Sets the growth of the open period per consecutive open.
     *
     * @param multiplier at least 1.0 (1.0 means no growth), finite
     * @return this builder
     * @throws IllegalArgumentException if below 1.0 or not finite
     */
    public Builder backoffMultiplier(double multiplier) {
      if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException(
            "backoffMultiplier must be a finite number >= 1.0: " + multiplier);
      }
      this.backoffMultiplier = multiplier;
      return this;
    }

    /**
     * Sets the longest open period (a hard cap, jitter included). Must not be below the recovery
     * timeout; checked by {@link #build()}.
     *
     * @param max positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxBackoff(Duration max) {
      this.maxBackoff = positive("maxBackoff", max);
      return this;
    }

    /**
     * Sets the random spread of repeated open periods.
     *
     * @param fraction in {@code [0, 1)}; 0 disables jitter
     * @return this builder
     * @throws IllegalArgumentException if outside {@code [0, 1)}
     */
    public Builder jitter(double fraction) {
      if (!(fraction >= 0.0 && fraction < 1.0)) {
        throw new IllegalArgumentException("jitter must be in [0, 1): " + fraction);
      }
      this.jitter = fraction;
      return this;
    }

    /**
     * Sets how long a half-open breaker waits for a probe's answer, from the probe's admission,
     * before counting it as failed (default: the recovery timeout).
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder probeTimeout(Duration timeout) {
      this.probeTimeout = positive("probeTimeout", timeout);
      return this;
    }

    /**
     * Sets which failures count (default {@link HostFault#countsAgainstHost}). The predicate
     * receives the failure unwrapped from {@code CompletionException}; it must be fast, thread-safe
     * and must not throw (a throwing predicate counts the failure).
     *
     * @param predicate the predicate
     * @return this builder
     */
    public Builder failurePredicate(Predicate<Throwable> predicate) {
      this.failurePredicate = Objects.requireNonNull(predicate, "failurePredicate");
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     * @throws IllegalArgumentException if {@code maxBackoff < recoveryTimeout}
     */
    public BreakerPolicy build() {
      if (maxBackoff.compareTo(recoveryTimeout) < 0) {
        throw new IllegalArgumentException(
            "maxBackoff ("
                + maxBackoff
                + ") must not be shorter than recoveryTimeout ("
                + recoveryTimeout
                + ")");
      }
      return new BreakerPolicy(this);
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
