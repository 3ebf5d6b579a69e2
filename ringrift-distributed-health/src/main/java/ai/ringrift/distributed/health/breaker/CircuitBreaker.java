package ai.ringrift.distributed.health.breaker;

import ai.ringrift.distributed.health.internal.DefaultCircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * A circuit breaker guarding calls to one host (or one purpose, such as training).
 *
 * <p>States and transitions ({@code docs/BREAKERS-AND-HEALTH.md} has the diagram):
 *
 * <ul>
 *   <li>{@code CLOSED}: calls go through. {@link BreakerPolicy#failureThreshold()} consecutive
 *       counted failures open it; a success (or a failure the policy does not count) resets the
 *       count.
 *   <li>{@code OPEN}: calls are rejected without calling the supplier, with a {@link
 *       CircuitOpenException} naming the retry time. Once the open period has passed, the next call
 *       (or {@link #state()}) moves it to half-open. There is no timer thread: time is read from
 *       the breaker's {@link Clock} when someone asks.
 *   <li>{@code HALF_OPEN}: exactly {@link BreakerPolicy#halfOpenRequests()} probe calls go through;
 *       when all succeed it closes; any counted failure (or no answer within {@link
 *       BreakerPolicy#probeTimeout()}) opens it again for a longer period (backoff, capped).
 * </ul>
 *
 * <p>Results of calls that started in an earlier state (e.g. a slow call that began while closed
 * and fails after the breaker opened) do not affect the current state. Thread-safe; the
 * closed-state path takes no lock.
 */
public interface CircuitBreaker {

  /**
   * Starts building a standalone breaker (registries create theirs with {@link
   * BreakerRegistry#hostBreaker(String)}).
   *
   * @param name the breaker's name, used in messages, events and metrics
   * @return a builder with the host defaults, the system UTC clock and a {@link Random}
   */
  static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * The breaker's name, e.g. {@code host/100.64.0.7} or {@code training}.
   *
   * @return the name
   */
  String name();

  /**
   * The breaker's configuration.
   *
   * @return the policy
   */
  BreakerPolicy policy();

  /**
   * Consecutive counted failures that open the breaker.
   *
   * @return {@code policy().failureThreshold()}
   */
  default int failureThreshold() {
    return policy().failureThreshold();
  }

  /**
   * The first open period.
   *
   * @return {@code policy().recoveryTimeout()}
   */
  default Duration recoveryTimeout() {
    return policy().recoveryTimeout();
  }

  /**
   * Probe calls admitted per half-open period.
   *
   * @return {@code policy().halfOpenRequests()}
   */
  default int halfOpenRequests() {
    return policy().halfOpenRequests();
  }

  /**
   * The current state. If an open period has expired this moves the breaker to half-open first (and
   * publishes the event), so a caller that skips open hosts never skips one forever. Does not block
   * on I/O.
   *
   * @return the state now
   */
  CircuitState state();

  /**
   * When an open breaker will admit a probe.
   *
   * @return the retry time if the breaker is open, otherwise empty
   */
  Optional<Instant> retryAt();

  /**
   * Runs a call through the breaker.
   *
   * <p>If the breaker admits the call, {@code call} is invoked on the calling thread and the
   * returned future completes with its result, on the thread that completes the call's stage (or
   * the calling thread if it is already complete). The failure is passed through unwrapped from
   * {@code CompletionException}. A supplier that throws yields a failed future (classified like any
   * other failure); one that returns {@code null} yields a future failed with {@code
   * NullPointerException}, which does not count against the host.
   *
   * <p>If the breaker rejects the call, {@code call} is not invoked and the future is already
   * failed with {@link CircuitOpenException}.
   *
   * <p>Cancelling the returned future cancels the call's stage ({@code
   * toCompletableFuture().cancel(true)}); a cancellation counts neither as success nor as failure.
   *
   * @param call starts the guarded operation
   * @param <T> the result type
   * @return the call's result
   */
  <T> CompletableFuture<T> execute(Supplier<? extends CompletionStage<T>> call);

  /**
   * Closes the breaker and forgets its failures and backoff history. Results of calls started
   * before the reset are ignored. Publishes an event if the state changed.
   */
  void reset();

  /**
   * Registers a listener for this breaker's state changes (see {@link BreakerListener} for the
   * threading contract). Adding the same listener twice registers it twice.
   *
   * @param listener the listener
   */
  void addListener(BreakerListener listener);

  /**
   * Removes a listener registered with {@link #addListener}; does nothing if it is not registered.
   *
   * @param listener the listener
   */
  void removeListener(BreakerListener listener);

  /**
   * How many calls this breaker has rejected since it was created.
   *
   * @return the count
   */
  long rejectedCalls();

  /** Builds a standalone {@link CircuitBreaker}. Not thread-safe. */
  final class Builder {
    private final String name;
    private BreakerPolicy policy = BreakerPolicy.hostDefaults();
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = new Random();

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("breaker name must not be blank: '" + name + "'");
      }
      this.name = name;
    }

    /**
     * Sets the policy (default {@link BreakerPolicy#hostDefaults()}).
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder policy(BreakerPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the clock that open periods are measured with (default the system UTC clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the source of backoff jitter (default a new {@link Random}). Only used while the
     * breaker's lock is held, so it need not be thread-safe unless shared between breakers.
     *
     * @param random the generator
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Builds the breaker, closed.
     *
     * @return the breaker
     */
    public CircuitBreaker build() {
      return new DefaultCircuitBreaker(name, policy, clock, random);
    }
  }
}
