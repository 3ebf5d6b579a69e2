package ai.ringrift.distributed.core.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The cluster at one moment: every configured host's {@link NodeStatus} and totals over the hosts
 * that answered.
 *
 * @param timestamp when the query started (the monitor's clock)
 * @param nodes one entry per configured host, in config order
 * @param queryTime how long the whole query took
 * @param localOpenBreakers open breakers of the monitoring process's own registry (empty without
 *     one)
 */
public record ClusterStatus(
    Instant timestamp, List<NodeStatus> nodes, Duration queryTime, List<String> localOpenBreakers) {

  /**
   * Copies the lists.
   *
   * @param timestamp timestamp
   * @param nodes nodes
   * @param queryTime query time
   * @param localOpenBreakers local open breakers
   */
  public ClusterStatus {
    Objects.requireNonNull(timestamp, "timestamp");
    nodes = List.copyOf(nodes);
    Objects.requireNonNull(queryTime, "queryTime");
    localOpenBreakers = List.copyOf(localOpenBreakers);
  }

  /**
   * Hosts that answered.
   *
   * @return the count
   */
  public int nodesOnline() {
    return (int) nodes.stream().filter(NodeStatus::online).count();
  }

  /**
   * Configured hosts queried.
   *
   * @return the count
   */
  public int nodesTotal() {
    return nodes.size();
  }

  /**
   * Games served across the online hosts (a game held by two hosts counts twice, as in Python).
   *
   * @return the sum
   */
  public long totalGames() {
    return nodes.stream().mapToLong(NodeStatus::gameCount).sum();
  }

  /**
   * Games per config key summed over the online hosts, sorted by key.
   *
   * @return counts by config
   */
  public Map<String, Long> gamesByConfig() {
    Map<String, Long> sum = new TreeMap<>();
    for (NodeStatus n : nodes) {
      n.gameCounts().forEach((k, v) -> sum.merge(k, v, Long::sum));
    }
    return Collections.unmodifiableMap(sum);
  }

  /**
   * Average used percentage of the data disks that reported one.
   *
   * @return the average, or {@code NaN} if none reported
   */
  public double averageDiskUsedPercent() {
    return nodes.stream()
        .mapToDouble(NodeStatus::diskUsedPercent)
        .filter(d -> !Double.isNaN(d))
        .average()
        .orElse(Double.NaN);
  }

  /**
   * Free GB summed over the data disks that reported it.
   *
   * @return the sum, or {@code NaN} if none reported
   */
  public double totalDiskFreeGb() {
    double[] free =
        nodes.stream().mapToDouble(NodeStatus::diskFreeGb).filter(d -> !Double.isNaN(d)).toArray();
    if (free.length == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (double d : free) {
      s += d;
    }
    return s;
  }

  /**
   * Every open breaker: the hosts' as {@code host: name}, then the local registry's as {@code
   * local: name}.
   *
   * @return the list
   */
  public List<String> openBreakers() {
    List<String> all = new ArrayList<>();
    for (NodeStatus n : nodes) {
      for (String b : n.openBreakers()) {
        all.add(n.host() + ": " + b);
      }
    }
    for (String b : localOpenBreakers) {
      all.add("local: " + b);
    }
    return List.copyOf(all);
  }

  /**
   * WAL entries not yet applied, summed over the hosts that reported a backlog.
   *
   * @return the sum
   */
  public long walBacklog() {
    return nodes.stream().mapToLong(NodeStatus::walPending).filter(w -> w > 0).sum();
  }
}
