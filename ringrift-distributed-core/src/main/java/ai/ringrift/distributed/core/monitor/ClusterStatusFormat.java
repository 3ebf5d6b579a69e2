package ai.ringrift.distributed.core.monitor;

import ai.ringrift.distributed.core.internal.StatusRenderer;
import java.time.ZoneId;

/** Renders a {@link ClusterStatus} for people (the Python monitor's layout) or as JSON. */
public final class ClusterStatusFormat {
  private ClusterStatusFormat() {}

  /**
   * The Python monitor's text: banner {@code RINGRIFT CLUSTER MONITOR - <yyyy-MM-dd HH:mm:ss>},
   * cluster summary, "Game Counts by Configuration", the node table (Host(25) Status(10) Games(12)
   * Disk(15) WAL Breakers), then the errors.
   *
   * @param status the status
   * @param zone the zone the banner's time is shown in
   * @return the text, lines ending in {@code \n}
   */
  public static String text(ClusterStatus status, ZoneId zone) {
    return StatusRenderer.text(status, zone);
  }

  /**
   * One JSON document: {@code timestamp}, {@code summary} (nodes online and total, total games,
   * disk, open breakers, WAL backlog, query time), {@code game_counts} and {@code nodes}. Unknown
   * numbers are {@code null}.
   *
   * @param status the status
   * @return pretty-printed JSON without a trailing newline
   */
  public static String json(ClusterStatus status) {
    return StatusRenderer.json(status);
  }
}
