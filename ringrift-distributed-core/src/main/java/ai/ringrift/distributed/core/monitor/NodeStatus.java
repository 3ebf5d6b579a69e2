package ai.ringrift.distributed.core.monitor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One configured host as the monitor saw it.
 *
 * @param host the host's name in the cluster config
 * @param address the {@code host:port} queried, or empty if the host has no address
 * @param online whether it answered {@code GET /status}
 * @param gameCount served games in total (0 when offline)
 * @param gameCounts served games per config key, sorted by key (empty when offline)
 * @param diskUsedPercent used percentage of its data disk, or {@code NaN} if unknown
 * @param diskFreeGb free space of its data disk in GB (10^9 bytes), or {@code NaN} if unknown
 * @param walPending entries in its WAL not yet applied, or -1 if unknown
 * @param openBreakers names of its open circuit breakers
 * @param version the library version it runs, or empty if unknown
 * @param uptime how long its service has run ({@link Duration#ZERO} if unknown)
 * @param error why it is offline (or which field it served was malformed), null if none
 */
public record NodeStatus(
    String host,
    String address,
    boolean online,
    long gameCount,
    Map<String, Long> gameCounts,
    double diskUsedPercent,
    double diskFreeGb,
    long walPending,
    List<String> openBreakers,
    String version,
    Duration uptime,
    @Nullable String error) {

  /**
   * Copies the collections; sorts the game counts by config key.
   *
   * @param host host
   * @param address address
   * @param online online
   * @param gameCount total games
   * @param gameCounts games per config
   * @param diskUsedPercent disk used percentage
   * @param diskFreeGb disk free GB
   * @param walPending WAL backlog
   * @param openBreakers open breakers
   * @param version version
   * @param uptime uptime
   * @param error error or null
   */
  public NodeStatus {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(address, "address");
    gameCounts = java.util.Collections.unmodifiableMap(new TreeMap<>(gameCounts));
    openBreakers = List.copyOf(openBreakers);
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(uptime, "uptime");
  }

  /**
   * A host that did not answer.
   *
   * @param host its name
   * @param address what was queried
   * @param error why
   * @return an OFFLINE status
   */
  public static NodeStatus offline(String host, String address, String error) {
    Objects.requireNonNull(error, "error");
    return new NodeStatus(
        host,
        address,
        false,
        0,
        Map.of(),
        Double.NaN,
        Double.NaN,
        -1,
        List.of(),
        "",
        Duration.ZERO,
        error);
  }

  /**
   * "ONLINE" or "OFFLINE", as the Python monitor prints it.
   *
   * @return the status word
   */
  public String statusWord() {
    return online ? "ONLINE" : "OFFLINE";
  }
}
