package ai.ringrift.distributed.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link HealthSummary} as the text report the seed README prints ({@code
 * format_health_report}) and as JSON, and reads that JSON back (a peer's health endpoint).
 *
 * <p>JSON shape (snake_case, as the Python cluster): {@code {"status": "healthy", "healthy": true,
 * "timestamp": "2026-01-01T00:00:00Z", "components": [{"name", "status", "message", "last_check",
 * "metrics": {...}}], "issues": [...], "warnings": [...], "component_status": {"disk":
 * "healthy"}}}.
 */
public final class HealthReports {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final String RULE = "=".repeat(60);

  private HealthReports() {}

  /**
   * The text report: a banner, the overall status, one entry per component (icon, status, message,
   * how long ago it was checked), then the issues and warnings.
   *
   * @param summary the summary
   * @return the report, lines separated by {@code \n}
   */
  public static String formatHealthReport(HealthSummary summary) {
    StringBuilder sb = new StringBuilder();
    sb.append(RULE).append('\n').append("HEALTH CHECK REPORT").append('\n');
    sb.append(RULE).append('\n');
    sb.append("Timestamp: ").append(summary.timestamp()).append('\n');
    sb.append("Overall: ").append(summary.status().name()).append("\n\n");
    sb.append("Components:\n");
    if (summary.components().isEmpty()) {
      sb.append("  (no checks registered)\n");
    }
    for (ComponentHealth c : summary.components()) {
      sb.append("  ")
          .append(icon(c.status()))
          .append(' ')
          .append(c.name())
          .append(": ")
          .append(c.status().label())
          .append('\n');
      if (!c.message().isEmpty()) {
        sb.append("      ").append(c.message()).append('\n');
      }
      sb.append("      Last check: ").append(ago(c.lastCheck(), summary.timestamp())).append('\n');
    }
    if (!summary.issues().isEmpty()) {
      sb.append("\nISSUES:\n");
      summary.issues().forEach(i -> sb.append("  - ").append(i).append('\n'));
    }
    if (!summary.warnings().isEmpty()) {
      sb.append("\nWARNINGS:\n");
      summary.warnings().forEach(w -> sb.append("  - ").append(w).append('\n'));
    }
    sb.append(RULE).append('\n');
    return sb.toString();
  }

  private static String icon(HealthStatus s) {
    switch (s) {
      case HEALTHY:
        return "✓";
      case DEGRADED:
        return "⚠";
      case UNHEALTHY:
        return "✗";
      case UNKNOWN:
      default:
        return "?";
    }
  }

  private static String ago(Instant at, Instant now) {
    long seconds = Math.max(0, Duration.between(at, now).getSeconds());
    if (seconds < 60) {
      return seconds + " s ago";
    }
    long minutes = seconds / 60;
    return minutes + (minutes == 1 ? " minute ago" : " minutes ago");
  }

  /**
   * The summary as JSON.
   *
   * @param summary the summary
   * @return a JSON object
   * @throws IllegalArgumentException if a metric value cannot be serialised
   */
  public static String toJson(HealthSummary summary) {
    ObjectNode root = JSON.createObjectNode();
    root.put("status", summary.status().label());
    root.put("healthy", summary.healthy());
    root.put("timestamp", summary.timestamp().toString());
    ArrayNode components = root.putArray("components");
    ObjectNode byName = JSON.createObjectNode();
    for (ComponentHealth c : summary.components()) {
      ObjectNode n = components.addObject();
      n.put("name", c.name());
      n.put("status", c.status().label());
      n.put("message", c.message());
      n.put("last_check", c.lastCheck().toString());
      n.set("metrics", JSON.valueToTree(c.metrics()));
      byName.put(c.name(), c.status().label());
    }
    ArrayNode issues = root.putArray("issues");
    summary.issues().forEach(issues::add);
    ArrayNode warnings = root.putArray("warnings");
    summary.warnings().forEach(warnings::add);
    root.set("component_status", byName);
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise health summary: " + e.getMessage(), e);
    }
  }

  /**
   * Reads JSON written by {@link #toJson}. Missing optional fields get defaults (an absent message
   * is empty, absent metrics are empty); status labels of the Python cluster ({@code ok}, {@code
   * warning}, {@code error}) are accepted.
   *
   * @param json the JSON text
   * @return the summary
   * @throws HealthException if the text is not a health summary (the message says what is wrong)
   */
  public static HealthSummary parseJson(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new HealthException("health JSON is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new HealthException("health JSON is not an object");
    }
    try {
      List<ComponentHealth> components = new ArrayList<>();
      for (JsonNode n : root.path("components")) {
        Map<String, Object> metrics =
            n.has("metrics") ? JSON.convertValue(n.get("metrics"), MAP) : Map.of();
        components.add(
            new ComponentHealth(
                text(n, "name"),
                HealthStatus.parse(text(n, "status")),
                n.path("message").asText(""),
                n.has("last_check") ? Instant.parse(text(n, "last_check")) : Instant.EPOCH,
                metrics == null ? Map.of() : metrics));
      }
      Instant timestamp = Instant.parse(text(root, "timestamp"));
      HealthSummary derived = HealthSummary.of(components, timestamp);
      HealthStatus status =
          root.has("status") ? HealthStatus.parse(text(root, "status")) : derived.status();
      return new HealthSummary(status, components, derived.issues(), derived.warnings(), timestamp);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new HealthException("health JSON is not a health summary: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("missing text field '" + field + "' in " + n);
    }
    return v.asText();
  }
}
