package ai.ringrift.distributed.health;

import java.util.Locale;

/**
 * The health of a component or a node, from best to worst: {@code HEALTHY}, {@code DEGRADED},
 * {@code UNHEALTHY}; {@code UNKNOWN} when nothing is known yet (no check ran, or none registered).
 * Python's {@code ok}/{@code warning}/{@code error}/{@code unknown} map to these in that order.
 */
public enum HealthStatus {
  /** Working normally. */
  HEALTHY,
  /** Working, but something needs attention (a warning). */
  DEGRADED,
  /** Not working (an issue). */
  UNHEALTHY,
  /** Not known. */
  UNKNOWN;

  /**
   * The lower-case name used in text and JSON, as the seed README shows ({@code "healthy"}).
   *
   * @return e.g. {@code "degraded"}
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a label or name case-insensitively; also accepts Python's {@code ok}, {@code warning}
   * and {@code error}.
   *
   * @param text the label
   * @return the status
   * @throws IllegalArgumentException if the text names no status
   */
  public static HealthStatus parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "healthy":
      case "ok":
        return HEALTHY;
      case "degraded":
      case "warning":
        return DEGRADED;
      case "unhealthy":
      case "error":
        return UNHEALTHY;
      case "unknown":
        return UNKNOWN;
      default:
        throw new IllegalArgumentException("not a health status: '" + text + "'");
    }
  }
}
