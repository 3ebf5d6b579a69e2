package ai.ringrift.distributed.core;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a full cluster sync did, as the seed's {@code ClusterSyncStats}: totals, the nodes brought
 * up to date, the nodes that failed with the reason for each, and the stats per category.
 *
 * @param totalFiles files (and games) transferred, all categories
 * @param totalBytes bytes transferred, all categories
 * @param nodesSynced nodes every category reached
 * @param failedNodes node name to the reason it failed (breaker open, unreachable, timed out...)
 * @param categoryStats per category
 * @param duration wall time of the whole sync
 */
public record ClusterSyncStats(
    long totalFiles,
    long totalBytes,
    int nodesSynced,
    Map<String, String> failedNodes,
    Map<SyncCategory, SyncStats> categoryStats,
    Duration duration) {

  /** Validates and copies the maps (keeping their order). */
  public ClusterSyncStats {
    Objects.requireNonNull(duration, "duration");
    failedNodes = Collections.unmodifiableMap(new LinkedHashMap<>(failedNodes));
    categoryStats =
        categoryStats.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new EnumMap<>(categoryStats));
  }
}
