package ai.ringrift.distributed.core.internal;

import ai.ringrift.distributed.core.monitor.ClusterStatus;
import ai.ringrift.distributed.core.monitor.NodeStatus;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Text (the Python monitor's layout) and JSON renderings of a {@link ClusterStatus}. */
public final class StatusRenderer {
  private static final DateTimeFormatter BANNER_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
  private static final String RULE = "=".repeat(90);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private StatusRenderer() {}

  /**
   * The text rendering.
   *
   * @param s status
   * @param zone zone of the banner time
   * @return text, lines ending in \n
   */
  public static String text(ClusterStatus s, ZoneId zone) {
    StringBuilder b = new StringBuilder();
    b.append(RULE).append('\n');
    b.append("RINGRIFT CLUSTER MONITOR - ")
        .append(BANNER_TIME.format(s.timestamp().atZone(zone)))
        .append('\n');
    b.append(RULE).append('\n').append('\n');

    b.append("CLUSTER SUMMARY\n");
    line(b, "Nodes Online:", s.nodesOnline() + "/" + s.nodesTotal());
    line(b, "Total Games:", count(s.totalGames()));
    double avg = s.averageDiskUsedPercent();
    line(
        b,
        "Disk:",
        Double.isNaN(avg) ? "-" : fmt("%.1f%% avg used, %.1f GB free", avg, s.totalDiskFreeGb()));
    line(b, "WAL Backlog:", count(s.walBacklog()) + " entries");
    List<String> open = s.openBreakers();
    line(
        b,
        "Open Breakers:",
        open.isEmpty() ? "0" : open.size() + " (" + String.join(", ", open) + ")");
    line(b, "Query Time:", fmt("%.2fs", s.queryTime().toMillis() / 1000.0));
    b.append('\n');

    b.append("Game Counts by Configuration\n");
    b.append("-".repeat(40)).append('\n');
    Map<String, Long> byConfig = s.gamesByConfig();
    if (byConfig.isEmpty()) {
      b.append("  (none)\n");
    }
    byConfig.forEach((k, v) -> b.append(fmt("  %-25s %12s%n", k, count(v))));
    b.append('\n');

    b.append("NODES\n");
    b.append(row("Host", "Status", "Games", "Disk", "WAL", "Breakers")).append('\n');
    b.append("-".repeat(90)).append('\n');
    for (NodeStatus n : s.nodes()) {
      b.append(
              row(
                  n.host(),
                  n.statusWord(),
                  n.online() ? count(n.gameCount()) : "-",
                  disk(n),
                  n.walPending() >= 0 ? count(n.walPending()) : "-",
                  n.openBreakers().isEmpty() ? "-" : String.join(",", n.openBreakers())))
          .append('\n');
    }

    boolean errors = s.nodes().stream().anyMatch(n -> n.error() != null);
    if (errors) {
      b.append('\n').append("ERRORS\n");
      for (NodeStatus n : s.nodes()) {
        if (n.error() != null) {
          b.append("  ").append(n.host()).append(": ").append(n.error()).append('\n');
        }
      }
    }
    b.append(RULE).append('\n');
    return b.toString();
  }

  private static void line(StringBuilder b, String label, String value) {
    b.append(fmt("  %-15s %s%n", label, value));
  }

  private static String row(
      String host, String status, String games, String disk, String wal, String breakers) {
    return fmt(
            "%-25s %-10s %-12s %-15s %-10s %s", cut(host, 25), status, games, disk, wal, breakers)
        .stripTrailing();
  }

  private static String cut(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 1) + "~";
  }

  private static String disk(NodeStatus n) {
    if (Double.isNaN(n.diskUsedPercent())) {
      return "-";
    }
    if (Double.isNaN(n.diskFreeGb())) {
      return fmt("%.0f%%", n.diskUsedPercent());
    }
    return fmt("%.0f%% (%.0fGB)", n.diskUsedPercent(), n.diskFreeGb());
  }

  private static String count(long n) {
    return fmt("%,d", n);
  }

  private static String fmt(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }

  /**
   * The JSON rendering.
   *
   * @param s status
   * @return pretty JSON
   */
  public static String json(ClusterStatus s) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("timestamp", s.timestamp().toString());
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("nodes_online", s.nodesOnline());
    summary.put("nodes_total", s.nodesTotal());
    summary.put("total_games", s.totalGames());
    summary.put("disk_avg_used_percent", round(s.averageDiskUsedPercent()));
    summary.put("disk_free_gb", round(s.totalDiskFreeGb()));
    summary.put("wal_backlog", s.walBacklog());
    summary.put("open_breakers", s.openBreakers());
    summary.put("query_time_seconds", s.queryTime().toMillis() / 1000.0);
    doc.put("summary", summary);
    doc.put("game_counts", s.gamesByConfig());
    List<Map<String, Object>> nodes =
        s.nodes().stream()
            .map(
                n -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("host", n.host());
                  m.put("address", n.address());
                  m.put("status", n.statusWord());
                  m.put("online", n.online());
                  m.put("game_count", n.gameCount());
                  m.put("game_counts", n.gameCounts());
                  m.put("disk_used_percent", round(n.diskUsedPercent()));
                  m.put("disk_free_gb", round(n.diskFreeGb()));
                  m.put("wal_pending_entries", n.walPending() >= 0 ? n.walPending() : null);
                  m.put("open_breakers", n.openBreakers());
                  m.put("version", n.version().isEmpty() ? null : n.version());
                  m.put("uptime_seconds", n.online() ? n.uptime().toMillis() / 1000.0 : null);
                  m.put("error", n.error());
                  return m;
                })
            .toList();
    doc.put("nodes", nodes);
    try {
      return JSON.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render cluster status as JSON", e);
    }
  }

  private static @Nullable Double round(double d) {
    return Double.isNaN(d) ? null : Math.round(d * 10) / 10.0;
  }
}
