package ai.ringrift.distributed.transport.http;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A peer's {@code GET /status}: the fields every node serves, plus the whole document for the
 * fields an embedding node contributed ({@link P2PServer.Builder#statusContributor}).
 *
 * @param nodeId the peer's node id
 * @param version the library version it runs
 * @param uptime how long its service has run
 * @param gameCount served games in total (the seed README's {@code status['game_count']})
 * @param gameCounts served games per config key
 * @param fields the whole document, as parsed JSON (maps, lists, strings, numbers, booleans)
 */
public record PeerStatus(
    String nodeId,
    String version,
    Duration uptime,
    long gameCount,
    Map<String, Long> gameCounts,
    Map<String, Object> fields) {
  /**
   * Copies the maps.
   *
   * @param nodeId node id
   * @param version version
   * @param uptime uptime
   * @param gameCount total games
   * @param gameCounts games per config
   * @param fields the document
   */
  public PeerStatus {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(uptime, "uptime");
    gameCounts = Map.copyOf(gameCounts);
    fields = Map.copyOf(fields);
  }
}
