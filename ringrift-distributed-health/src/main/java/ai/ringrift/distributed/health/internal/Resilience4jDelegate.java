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
 * The Resilience4j {@code CircuitBreaker} under one of our breakers, as {@link
 * DefaultCircuitBreaker} drives it: the only class of the module that touches Resilience4j types,
 * none of which leaves it.
 *
 * <p>What Resilience4j decides: whether an open or half-open breaker permits a call ({@link
 * #tryAcquirePermission()}), the lazy OPEN → HALF_OPEN move once the open period has passed by the
 * injected clock, the half-open permit accounting (exactly {@code halfOpenRequests} probes at a
 * time; a released permit comes back) and HALF_OPEN → CLOSED once {@code halfOpenRequests} probes
 * have succeeded.
 *
 * <p>What it is configured never to do: open by itself (the closed window is time based with {@code
 * minimumNumberOfCalls = Integer.MAX_VALUE}, so its failure rate is never evaluated; our breaker
 * counts consecutive failures and calls {@link #openUntil}), run a timer (automatic OPEN →
 * HALF_OPEN is disabled and {@code maxWaitDurationInHalfOpenState} is zero, so its process-wide
 * scheduler is never created) or publish events to anyone (no consumer is ever registered; its
 * publisher would run consumers under its internal lock).
 *
 * <p>Thread-safety: Resilience4j's own; {@link DefaultCircuitBreaker} calls every method while
 * holding its lock, so the delegate's state and ours change together.
 */
final class Resilience4jDelegate {
  /** Seconds of the closed-state window; nothing is recorded in it and it never trips. */
  private static final int CLOSED_WINDOW_SECONDS = 10;

  private final CircuitBreaker delegate;

  /**
   * Creates a closed Resilience4j breaker.
   *
   * @param name our breaker's name
   * @param policy our policy (only {@code halfOpenRequests} is Resilience4j's business)
   * @param clock the injected clock, which Resilience4j reads to end open periods
   */
  Resilience4jDelegate(String name, BreakerPolicy policy, Clock clock) {
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
    this.delegate = CircuitBreaker.of(name, config);
  }

  /**
   * Opens the breaker (from closed or half-open) until {@code retryAt}: the first permit asked for
   * at or after {@code retryAt} (by the injected clock) moves it to half-open and is granted.
   *
   * @param retryAt when a probe is allowed
   */
  void openUntil(Instant retryAt) {
    // Resilience4j admits once now.isAfter(until); we promise a probe once !now.isBefore(retryAt).
    delegate.transitionToOpenStateUntil(retryAt.minusNanos(1));
  }

  /**
   * Asks for a permit: when open, moves to half-open first if the open period has passed; when
   * half-open, granted while probe permits are left.
   *
   * @return whether the call may go ahead
   */
  boolean tryAcquirePermission() {
    return delegate.tryAcquirePermission();
  }

  /** Gives back a probe permit whose call will not report (it was cancelled). */
  void releasePermission() {
    delegate.releasePermission();
  }

  /** Records a probe's success; the last of {@code halfOpenRequests} successes closes it. */
  void onSuccess() {
    // Durations are not recorded: slow calls are not a criterion of ours.
    delegate.onSuccess(0, TimeUnit.NANOSECONDS);
  }

  /** Moves an open breaker to half-open without taking a permit ({@code state()} asked). */
  void transitionToHalfOpen() {
    delegate.transitionToHalfOpenState();
  }

  /** Closes the breaker and clears its metrics and permits ({@code reset()}). */
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
