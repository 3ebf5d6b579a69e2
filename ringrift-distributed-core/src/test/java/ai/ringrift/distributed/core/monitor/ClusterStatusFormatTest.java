package ai.ringrift.distributed.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterStatusFormatTest {
  static final Instant AT = Instant.parse("2026-11-29T05:01:02Z");

  static ClusterStatus fixed() {
    NodeStatus a =
        new NodeStatus(
            "lambda-gh200-a",
            "100.64.0.1:8770",
            true,
            12_345,
            Map.of("square8_3p", 345L, "hex8_2p", 12_000L),
            41.6,
            812.4,
            3,
            List.of(),
            "0.1.0",
            Duration.ofHours(5),
            null);
    NodeStatus b =
        new NodeStatus(
            "vast-5090",
            "100.64.0.2:8770",
            true,
            655,
            Map.of("hex8_2p", 600L, "square19_2p", 55L),
            90.2,
            20.0,
            0,
            List.of("host/lambda-gh200-a"),
            "0.1.0",
            Duration.ofMinutes(3),
            null);
    NodeStatus c =
        NodeStatus.offline("aws-staging", "100.64.0.3:8770", "connection refused: 100.64.0.3:8770");
    return new ClusterStatus(AT, List.of(a, b, c), Duration.ofMillis(1234), List.of("training"));
  }

  @Test
  void totalsSumTheOnlineNodes() {
    ClusterStatus s = fixed();
    assertThat(s.nodesOnline()).isEqualTo(2);
    assertThat(s.nodesTotal()).isEqualTo(3);
    assertThat(s.totalGames()).isEqualTo(13_000);
    assertThat(s.gamesByConfig())
        .containsExactly(
            Map.entry("hex8_2p", 12_600L),
            Map.entry("square19_2p", 55L),
            Map.entry("square8_3p", 345L));
    assertThat(s.averageDiskUsedPercent())
        .isCloseTo(65.9, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(s.totalDiskFreeGb()).isCloseTo(832.4, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(s.walBacklog()).isEqualTo(3);
    assertThat(s.openBreakers())
        .containsExactly("vast-5090: host/lambda-gh200-a", "local: training");
  }

  @Test
  void textFollowsThePythonLayout() {
    String text = ClusterStatusFormat.text(fixed(), ZoneOffset.UTC);
    List<String> lines = text.lines().toList();
    assertThat(lines.get(1)).isEqualTo("RINGRIFT CLUSTER MONITOR - 2026-11-29 05:01:02");
    assertThat(text)
        .contains("  Nodes Online:   2/3\n")
        .contains("  Total Games:    13,000\n")
        .contains("  Disk:           65.9% avg used, 832.4 GB free\n")
        .contains("  WAL Backlog:    3 entries\n")
        .contains("  Open Breakers:  2 (vast-5090: host/lambda-gh200-a, local: training)\n")
        .contains("  Query Time:     1.23s\n");
    int counts = lines.indexOf("Game Counts by Configuration");
    assertThat(counts).isPositive();
    assertThat(lines.get(counts + 2)).isEqualTo("  hex8_2p                         12,600");
    assertThat(lines.get(counts + 3)).startsWith("  square19_2p").endsWith(" 55");
    assertThat(lines.get(counts + 4)).startsWith("  square8_3p").endsWith(" 345");

    int header = lines.indexOf("NODES") + 1;
    String head = lines.get(header);
    // Host(25) Status(10) Games(12) Disk(15), one space between columns.
    assertThat(head.indexOf("Status")).isEqualTo(26);
    assertThat(head.indexOf("Games")).isEqualTo(37);
    assertThat(head.indexOf("Disk")).isEqualTo(50);
    assertThat(head.indexOf("WAL")).isEqualTo(66);
    assertThat(head.indexOf("Breakers")).isEqualTo(77);
    assertThat(lines.get(header + 2))
        .isEqualTo(
            String.format(
                "%-25s %-10s %-12s %-15s %-10s %s",
                "lambda-gh200-a", "ONLINE", "12,345", "42% (812GB)", "3", "-"));
    assertThat(lines.get(header + 3))
        .isEqualTo(
            String.format(
                "%-25s %-10s %-12s %-15s %-10s %s",
                "vast-5090", "ONLINE", "655", "90% (20GB)", "0", "host/lambda-gh200-a"));
    assertThat(lines.get(header + 4))
        .isEqualTo(
            String.format(
                "%-25s %-10s %-12s %-15s %-10s %s", "aws-staging", "OFFLINE", "-", "-", "-", "-"));
    int errors = lines.indexOf("ERRORS");
    assertThat(errors).isGreaterThan(header + 4);
    assertThat(lines.get(errors + 1))
        .isEqualTo("  aws-staging: connection refused: 100.64.0.3:8770");
  }

  @Test
  void textWithoutErrorsHasNoErrorSection() {
    ClusterStatus s =
        new ClusterStatus(AT, List.of(fixed().nodes().get(0)), Duration.ZERO, List.of());
    String text = ClusterStatusFormat.text(s, ZoneOffset.UTC);
    assertThat(text).doesNotContain("ERRORS").contains("  Open Breakers:  0\n");
  }

  @Test
  void longHostNamesKeepTheColumns() {
    NodeStatus n = NodeStatus.offline("a-very-long-host-name-that-overflows", "x:1", "down");
    String text =
        ClusterStatusFormat.text(
            new ClusterStatus(AT, List.of(n), Duration.ZERO, List.of()), ZoneOffset.UTC);
    String row = text.lines().filter(l -> l.startsWith("a-very")).findFirst().orElseThrow();
    assertThat(row.indexOf("OFFLINE")).isEqualTo(26);
  }

  @Test
  void jsonHasSummaryCountsAndNodes() throws Exception {
    JsonNode doc = new ObjectMapper().readTree(ClusterStatusFormat.json(fixed()));
    assertThat(doc.get("timestamp").asText()).isEqualTo("2026-11-29T05:01:02Z");
    JsonNode sum = doc.get("summary");
    assertThat(sum.get("nodes_online").asInt()).isEqualTo(2);
    assertThat(sum.get("nodes_total").asInt()).isEqualTo(3);
    assertThat(sum.get("total_games").asLong()).isEqualTo(13_000);
    assertThat(sum.get("disk_avg_used_percent").asDouble()).isEqualTo(65.9);
    assertThat(sum.get("disk_free_gb").asDouble()).isEqualTo(832.4);
    assertThat(sum.get("wal_backlog").asLong()).isEqualTo(3);
    assertThat(sum.get("open_breakers")).hasSize(2);
    assertThat(sum.get("query_time_seconds").asDouble()).isEqualTo(1.234);
    assertThat(doc.get("game_counts").get("hex8_2p").asLong()).isEqualTo(12_600);
    JsonNode nodes = doc.get("nodes");
    assertThat(nodes).hasSize(3);
    assertThat(nodes.get(0).get("host").asText()).isEqualTo("lambda-gh200-a");
    assertThat(nodes.get(0).get("status").asText()).isEqualTo("ONLINE");
    assertThat(nodes.get(0).get("game_counts").get("square8_3p").asLong()).isEqualTo(345);
    assertThat(nodes.get(0).get("wal_pending_entries").asLong()).isEqualTo(3);
    assertThat(nodes.get(0).get("uptime_seconds").asDouble()).isEqualTo(18_000.0);
    assertThat(nodes.get(0).get("error").isNull()).isTrue();
    JsonNode off = nodes.get(2);
    assertThat(off.get("status").asText()).isEqualTo("OFFLINE");
    assertThat(off.get("online").asBoolean()).isFalse();
    assertThat(off.get("disk_used_percent").isNull()).isTrue();
    assertThat(off.get("wal_pending_entries").isNull()).isTrue();
    assertThat(off.get("error").asText()).isEqualTo("connection refused: 100.64.0.3:8770");
  }
}
