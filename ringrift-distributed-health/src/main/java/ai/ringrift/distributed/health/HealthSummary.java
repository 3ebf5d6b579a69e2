package ai.ringrift.distributed.health;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The health of a node: the aggregate status and the result of every check.
 *
 * @param status {@code UNHEALTHY} if any component is unhealthy, else {@code DEGRADED} if any is
 *     degraded or unknown, else {@code HEALTHY}; {@code UNKNOWN} when there are no components
 * @param components every check's result, in registration order
 * @param issues {@code "[name] message"} of every unhealthy component
 * @param warnings {@code "[name] message"} of every degraded or unknown component
 * @param timestamp when the summary was made
 */
public record HealthSummary(
    HealthStatus status,
    List<ComponentHealth> components,
    List<String> issues,
    List<String> warnings,
    Instant timestamp) {

  /** Validates and copies the components. */
  public HealthSummary {
    Objects.requireNonNull(status, "status");
    components = List.copyOf(components);
    issues = List.copyOf(issues);
    warnings = List.copyOf(warnings);
    Objects.requireNonNull(timestamp, "timestamp");
  }

  /**
   * Aggregates check results.
   *
   * @param components the results
   * @param timestamp when
   * @return the summary
   */
  public static HealthSummary of(List<ComponentHealth> components, Instant timestamp) {
    List<String> issues = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    HealthStatus status = components.isEmpty() ? HealthStatus.UNKNOWN : HealthStatus.HEALTHY;
    for (ComponentHealth c : components) {
      String line = "[" + c.name() + "] " + c.message();
      switch (c.status()) {
        case UNHEALTHY:
          issues.add(line);
          status = HealthStatus.UNHEALTHY;
          break;
        case DEGRADED:
        case UNKNOWN:
          warnings.add(line);
          if (status != HealthStatus.UNHEALTHY) {
            status = HealthStatus.DEGRADED;
          }
          break;
        case HEALTHY:
        default:
          break;
      }
    }
    return new HealthSummary(status, components, issues, warnings, timestamp);
  }

  /**
   * Whether the node can do its work: no component is unhealthy (degraded still counts as healthy,
   * as in the Python cluster).
   *
   * @return {@code true} unless the status is {@code UNHEALTHY}
   */
  public boolean healthy() {
    return status != HealthStatus.UNHEALTHY;
  }

  /**
   * Each component's status by name.
   *
   * @return an unmodifiable map in component order
   */
  public Map<String, HealthStatus> componentStatus() {
    Map<String, HealthStatus> m = new LinkedHashMap<>();
    for (ComponentHealth c : components) {
      m.put(c.name(), c.status());
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * Looks up a component by name.
   *
   * @param name the check's name
   * @return its result, if present
   */
  public java.util.Optional<ComponentHealth> component(String name) {
    return components.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
