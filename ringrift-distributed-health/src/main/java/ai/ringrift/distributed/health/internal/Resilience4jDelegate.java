package ai.ringrift.distributed.health.internal;

import ai.ringrift.distributed.health.breaker.BreakerPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * One Resilience4j {@code CircuitBreaker} as {@link DefaultCircuitBreaker} drives it: the only
 * class of the module that touches Resilience4j types, none of which leaves it.
 *
 * <p>What Resilience4j decides here: whether a call is permitted ({@link #tryAcquirePermission()}),
 * the lazy OPEN → HALF_OPEN move once the open period has passed by the injected clock, the
 * half-open permit accounting (exactly {@code halfOpenRequests} probes at a time, a released permit
 * comes back) and HALF_OPEN → CLOSED once {@code halfOpenRequests} probes have succeeded.
 *
 * <p>What it is configured never to do: open by itself (the closed window is time based with {@code
 * minimumNumberOfCalls = Integer.MAX_VALUE}, so its failure rate is never evaluated; the wrapper
 * counts consecutive failures and calls {@link #openUntil}), run a timer (automatic OPEN →
 * HALF_OPEN is disabled and {@code maxWaitDurationInHalfOpenState} is zero, so its process-wide
 * scheduler is never created) or publish events to anyone (no consumer is ever registered; its
 * publisher would run consumers under its internal lock).
 *
 * <p>Thread-safety: Resilience4j's own. The wrapper calls everything except the closed-state {@link
 * #tryAcquirePermission()}, {@link #onSuccess()}, {@link #onError} and {@link #releasePermission()}
 * while holding its lock.
 */
final class Resilience4jDelegate {
  /** Seconds of the closed-state window; only its metrics use it, it never trips. */
  private static final int CLOSED_WINDOW_SECONDS = 10;

  private final CircuitBreaker delegate;

  private Resilience4jDelegate(CircuitBreaker delegate) {
    this.delegate = delegate;
  }

  /**
   * Creates the factory of one of our breakers' delegates.
   *
   * @param name our breaker's name
   * @param policy our policy (only {@code halfOpenRequests} is Resilience4j's business)
   * @param clock the injected clock
   * @return the factory
   */
  static Factory factory(String name, BreakerPolicy policy, Clock clock) {
    CircuitBreakerConfig config =
        CircuitBreakerConfig.custom()
            .clock(clock)
            .slidingWindow(
                CLOSED_WINDOW_SECONDS,
                Integer.MAX_VALUE,
                SlidingWindowType.TIME_BASED,
                SlidingWindowSynchronizationStrategy.SYNCHRONIZED)
            .failureRateThreshold(100.0f)
            .slowCallRateThreshold(100.0f)
            .permittedNumberOfCallsInHalfOpenState(policy.halfOpenRequests())
            .automaticTransitionFromOpenToHalfOpenEnabled(false)
            .maxWaitDurationInHalfOpenState(Duration.ZERO)
            .writableStackTraceEnabled(false)
            .build();
    return new Factory(name, config);
  }

  /** Creates the delegates of one of our breakers (one immutable configuration). */
  static final class Factory {
    private final String name;
    private final CircuitBreakerConfig config;

    private Factory(String name, CircuitBreakerConfig config) {
      this.name = name;
      this.config = config;
    }

    /**
     * Creates a closed Resilience4j breaker.
     *
     * @return the delegate, closed
     */
    Resilience4jDelegate closed() {
      return new Resilience4jDelegate(CircuitBreaker.of(name, config));
    }

    /**
     * Creates a Resilience4j breaker that is open until {@code retryAt}: the first permit asked for
     * at or after {@code retryAt} (by the configured clock) moves it to half-open and is granted.
     *
     * @param retryAt when a probe is allowed
     * @return the delegate, open
     */
    Resilience4jDelegate openUntil(Instant retryAt) {
      CircuitBreaker cb = CircuitBreaker.of(name, config);
      // Resilience4j admits once now.isAfter(until); we promise a probe once
      // !now.isBefore(retryAt).
      cb.transitionToOpenStateUntil(retryAt.minusNanos(1));
      return new Resilience4jDelegate(cb);
    }
  }

  /**
   * Asks for a permit: always granted when closed; when open, moves to half-open first if the open
   * period has passed; when half-open, granted while probe permits are left.
   *
   * @return whether the call may go ahead
   */
  boolean tryAcquirePermission() {
    return delegate.tryAcquirePermission();
  }

  /** Gives back a permit whose call will not report (it was cancelled). */
  void releasePermission() {
    delegate.releasePermission();
  }

  /** Records a success (half-open: closes once every permitted probe has succeeded). */
  void onSuccess() {
    // Durations are not recorded: slow calls are not a criterion of ours.
    delegate.onSuccess(0, TimeUnit.NANOSECONDS);
  }

  /**
   * Records a counted failure. Only called for closed-state calls, where it never opens the
   * Resilience4j breaker (see the class comment).
   *
   * @param failure the failure
   */
  void onError(Throwable failure) {
    delegate.onError(0, TimeUnit.NANOSECONDS, failure);
  }

  /** Moves an open breaker to half-open without taking a permit ({@code state()} asked). */
  void transitionToHalfOpen() {
    delegate.transitionToHalfOpenState();
  }

  /** Closes the breaker and clears its metrics ({@code reset()}). */
  void reset() {
    delegate.reset();
  }

  /**
   * Whether the Resilience4j breaker is closed.
   *
   * @return true if closed
   */
  boolean isClosed() {
    return delegate.getState() == CircuitBreaker.State.CLOSED;
  }

  /**
   * Whether the Resilience4j breaker is half-open.
   *
   * @return true if half-open
   */
  boolean isHalfOpen() {
    return delegate.getState() == CircuitBreaker.State.HALF_OPEN;
  }

  @Override
  public String toString() {
    return "Resilience4j[" + delegate.getName() + ", " + delegate.getState() + "]";
  }
}
