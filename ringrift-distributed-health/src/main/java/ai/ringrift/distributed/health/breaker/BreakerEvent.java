package ai.ringrift.distributed.health.breaker;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One state change of a breaker. Exactly one event is published per transition.
 *
 * @param breakerName the breaker that changed
 * @param from the state it left
 * @param to the state it entered
 * @param at when, by the breaker's clock
 * @param retryAt for a change to {@code OPEN}: when a probe will be allowed; otherwise {@code null}
 * @param consecutiveOpens how many times the breaker has opened without closing in between (0 once
 *     closed); drives the backoff
 * @param reason a short human-readable cause, e.g. "3 consecutive failures, last: ConnectException:
 *     Connection refused"
 */
public record BreakerEvent(
    String breakerName,
    CircuitState from,
    CircuitState to,
    Instant at,
    @Nullable Instant retryAt,
    int consecutiveOpens,
    String reason) {

  /** Validates the components. */
  public BreakerEvent {
    Objects.requireNonNull(breakerName, "breakerName");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(reason, "reason");
  }
}
