package ai.ringrift.distributed.health.breaker;

import ai.ringrift.distributed.health.HealthException;
import java.time.Instant;
import java.util.Objects;

/**
 * A call rejected by a breaker that is open (or half-open with every probe slot taken). The
 * supplier was not called. Stackless: rejections are frequent and their stack says nothing. The
 * message names the breaker and when it will let a call through again.
 */
public final class CircuitOpenException extends HealthException {
  private static final long serialVersionUID = 1L;

  private final String breakerName;
  private final CircuitState state;
  private final Instant retryAt;

  /**
   * Creates the exception.
   *
   * @param breakerName the breaker that rejected the call
   * @param state its state when it rejected the call ({@code OPEN} or {@code HALF_OPEN})
   * @param retryAt when it will let a call through again at the latest
   * @param detail why it is open, e.g. "after 3 consecutive failures"
   */
  public CircuitOpenException(
      String breakerName, CircuitState state, Instant retryAt, String detail) {
    super(
        "circuit breaker '"
            + breakerName
            + "' is "
            + state
            + " ("
            + detail
            + "); call not attempted, next attempt allowed at "
            + retryAt,
        null,
        false);
    this.breakerName = Objects.requireNonNull(breakerName, "breakerName");
    this.state = Objects.requireNonNull(state, "state");
    this.retryAt = Objects.requireNonNull(retryAt, "retryAt");
  }

  /**
   * The name of the breaker that rejected the call.
   *
   * @return the breaker's name, e.g. {@code host/100.64.0.7}
   */
  public String breakerName() {
    return breakerName;
  }

  /**
   * The breaker's state when it rejected the call.
   *
   * @return {@code OPEN} or {@code HALF_OPEN}
   */
  public CircuitState state() {
    return state;
  }

  /**
   * When the breaker will let a call through again at the latest (by the breaker's clock).
   *
   * @return the instant
   */
  public Instant retryAt() {
    return retryAt;
  }
}
