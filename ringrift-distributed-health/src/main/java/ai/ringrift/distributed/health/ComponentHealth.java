package ai.ringrift.distributed.health;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The result of one health check.
 *
 * <p>A check builds its result with {@link #healthy}, {@link #degraded}, {@link #unhealthy} or
 * {@link #of}; the {@link HealthChecker} then fills in the registered name and the time the check
 * finished (until then the name is empty and {@code lastCheck} is the epoch).
 *
 * @param name the check's name, e.g. {@code disk}
 * @param status its status
 * @param message a short human-readable explanation, e.g. {@code "data: 41.2% used, 512.3 GB free"}
 * @param lastCheck when the check finished
 * @param metrics figures behind the status (numbers, strings, booleans, lists and maps of them), in
 *     insertion order; unmodifiable
 */
public record ComponentHealth(
    String name,
    HealthStatus status,
    String message,
    Instant lastCheck,
    Map<String, Object> metrics) {

  /** Validates and copies the components. */
  public ComponentHealth {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(lastCheck, "lastCheck");
    Objects.requireNonNull(metrics, "metrics");
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
    metrics.forEach(
        (k, v) -> copy.put(Objects.requireNonNull(k, "metric name"), Objects.requireNonNull(v, k)));
    metrics = Collections.unmodifiableMap(copy);
  }

  /**
   * A result with a status, message and metrics; the checker fills in name and time.
   *
   * @param status the status
   * @param message the explanation
   * @param metrics the figures (values must not be null)
   * @return the result
   */
  public static ComponentHealth of(
      HealthStatus status, String message, Map<String, ? extends Object> metrics) {
    return new ComponentHealth("", status, message, Instant.EPOCH, new LinkedHashMap<>(metrics));
  }

  /**
   * A healthy result without metrics.
   *
   * @param message the explanation
   * @return the result
   */
  public static ComponentHealth healthy(String message) {
    return of(HealthStatus.HEALTHY, message, Map.of());
  }

  /**
   * A degraded result without metrics.
   *
   * @param message what needs attention
   * @return the result
   */
  public static ComponentHealth degraded(String message) {
    return of(HealthStatus.DEGRADED, message, Map.of());
  }

  /**
   * An unhealthy result without metrics.
   *
   * @param message what is wrong
   * @return the result
   */
  public static ComponentHealth unhealthy(String message) {
    return of(HealthStatus.UNHEALTHY, message, Map.of());
  }

  /**
   * This result under another name.
   *
   * @param newName the name
   * @return a copy
   */
  public ComponentHealth withName(String newName) {
    return new ComponentHealth(newName, status, message, lastCheck, metrics);
  }

  /**
   * This result with another check time.
   *
   * @param at the time
   * @return a copy
   */
  public ComponentHealth withLastCheck(Instant at) {
    return new ComponentHealth(name, status, message, at, metrics);
  }

  /**
   * This result with one more metric.
   *
   * @param key the metric's name
   * @param value its value
   * @return a copy
   */
  public ComponentHealth withMetric(String key, Object value) {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>(metrics);
    m.put(key, value);
    return new ComponentHealth(name, status, message, lastCheck, m);
  }
}
