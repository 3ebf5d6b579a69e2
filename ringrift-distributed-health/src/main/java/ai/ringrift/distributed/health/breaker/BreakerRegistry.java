package ai.ringrift.distributed.health.breaker;

import ai.ringrift.distributed.health.internal.DefaultBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Creates and holds breakers: one per host, one for training, and any other named ones. Breakers
 * are created on first use and live as long as the registry. Thread-safe.
 *
 * <p>Defaults (see {@link BreakerPolicy}): host breakers open after 3 consecutive failures for 120
 * s, admit 1 probe, and back off ×2 up to 30 minutes; the training breaker opens after 5 failures
 * for 600 s and backs off up to 1 hour. The environment variable {@value #THRESHOLD_ENV} (a
 * positive integer) overrides the failure threshold of host breakers.
 *
 * <p>Metrics, when a {@link MeterRegistry} is given: the gauge {@code circuit_open_count} (breakers
 * of this registry that are {@code OPEN} now), per breaker the gauge {@code circuit_state} (0
 * closed, 1 open, 2 half-open; tag {@code breaker}) and the counter {@code circuit_rejected_calls}
 * (tag {@code breaker}). Gauges read the recorded state and never cause a transition.
 */
public interface BreakerRegistry {
  /** The environment variable that overrides the host breakers' failure threshold. */
  String THRESHOLD_ENV = "RINGRIFT_CIRCUIT_THRESHOLD";

  /** The name of the training breaker. */
  String TRAINING_BREAKER_NAME = "training";

  /** The prefix of host breakers' names: {@code host/<host>}. */
  String HOST_BREAKER_PREFIX = "host/";

  /**
   * Starts building a registry.
   *
   * @return a builder with the default policies, the system UTC clock and the process environment
   */
  static Builder builder() {
    return new Builder();
  }

  /**
   * A registry with every default, reading {@value #THRESHOLD_ENV} from the process environment.
   *
   * @return a new registry
   * @throws IllegalArgumentException if {@value #THRESHOLD_ENV} is set but not a positive integer
   */
  static BreakerRegistry ofDefaults() {
    return builder().build();
  }

  /**
   * The breaker for a host, created closed on first use with the host policy.
   *
   * @param host the host name or address (optionally with a port), as the caller identifies it
   * @return the breaker named {@code host/<host>}
   * @throws IllegalArgumentException if {@code host} is blank
   */
  CircuitBreaker hostBreaker(String host);

  /**
   * The breaker guarding training runs (5 failures, 600 s by default), created on first use.
   *
   * @return the breaker named {@value #TRAINING_BREAKER_NAME}
   */
  CircuitBreaker trainingBreaker();

  /**
   * A breaker with its own name and policy (e.g. one per host and transport), created on first use.
   *
   * @param name the breaker's name
   * @param policy the policy to create it with
   * @return the breaker
   * @throws IllegalArgumentException if {@code name} is blank, or a breaker of that name already
   *     exists with another policy
   */
  CircuitBreaker breaker(String name, BreakerPolicy policy);

  /**
   * Looks up an existing breaker without creating one.
   *
   * @param name the breaker's name
   * @return the breaker, if it exists
   */
  Optional<CircuitBreaker> find(String name);

  /**
   * The breakers created so far.
   *
   * @return an unmodifiable snapshot
   */
  Collection<CircuitBreaker> breakers();

  /**
   * How many breakers are {@code OPEN} now (as recorded; expired open periods are not applied).
   *
   * @return the count
   */
  int openCount();

  /** Resets every breaker (see {@link CircuitBreaker#reset()}). */
  void resetAll();

  /**
   * Registers a listener for the state changes of every breaker of this registry, existing and
   * future (same threading contract as {@link CircuitBreaker#addListener}).
   *
   * @param listener the listener
   */
  void addListener(BreakerListener listener);

  /**
   * Removes a listener registered with {@link #addListener}.
   *
   * @param listener the listener
   */
  void removeListener(BreakerListener listener);

  /**
   * The policy new host breakers get ({@value #THRESHOLD_ENV} applied).
   *
   * @return the host policy
   */
  BreakerPolicy hostPolicy();

  /**
   * The policy of the training breaker.
   *
   * @return the training policy
   */
  BreakerPolicy trainingPolicy();

  /** Builds a {@link BreakerRegistry}. Not thread-safe. */
  final class Builder {
    private BreakerPolicy hostPolicy = BreakerPolicy.hostDefaults();
    private BreakerPolicy trainingPolicy = BreakerPolicy.trainingDefaults();
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = new Random();
    private Map<String, String> environment = System.getenv();
    private @Nullable MeterRegistry meterRegistry;

    private Builder() {}

    /**
     * Sets the policy of host breakers (default {@link BreakerPolicy#hostDefaults()}); {@value
     * #THRESHOLD_ENV} still overrides its threshold.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder hostPolicy(BreakerPolicy policy) {
      this.hostPolicy = Objects.requireNonNull(policy, "hostPolicy");
      return this;
    }

    /**
     * Sets the policy of the training breaker (default {@link BreakerPolicy#trainingDefaults()}).
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder trainingPolicy(BreakerPolicy policy) {
      this.trainingPolicy = Objects.requireNonNull(policy, "trainingPolicy");
      return this;
    }

    /**
     * Sets the clock of every breaker (default the system UTC clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the jitter source shared by the breakers; must be thread-safe ({@link Random} is).
     *
     * @param random the generator
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Sets the environment {@value #THRESHOLD_ENV} is read from (default {@link System#getenv()};
     * tests pass a map).
     *
     * @param environment the variables
     * @return this builder
     */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
      return this;
    }

    /**
     * Binds the registry's metrics to a meter registry (default: no metrics). The caller owns the
     * meter registry.
     *
     * @param meterRegistry where to register the meters
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
      return this;
    }

    /**
     * Builds the registry.
     *
     * @return the registry
     * @throws IllegalArgumentException if {@value #THRESHOLD_ENV} is set but not a positive integer
     */
    public BreakerRegistry build() {
      BreakerPolicy host = hostPolicy;
      String override = environment.get(THRESHOLD_ENV);
      if (override != null && !override.isBlank()) {
        int threshold;
        try {
          threshold = Integer.parseInt(override.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              THRESHOLD_ENV + " must be a positive integer: '" + override + "'", e);
        }
        if (threshold < 1) {
          throw new IllegalArgumentException(
              THRESHOLD_ENV + " must be a positive integer: '" + override + "'");
        }
        host = host.toBuilder().failureThreshold(threshold).build();
      }
      return new DefaultBreakerRegistry(host, trainingPolicy, clock, random, meterRegistry);
    }
  }
}
