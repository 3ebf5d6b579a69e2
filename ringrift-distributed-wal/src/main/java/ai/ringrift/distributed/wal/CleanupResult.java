package ai.ringrift.distributed.wal;

/**
 * What a {@link UnifiedWal#cleanup(java.time.Duration)} dropped.
 *
 * @param committedDropped committed entries forgotten
 * @param rolledBackDropped rolled-back entries forgotten
 * @param segmentsDeleted segment files deleted afterwards
 * @param bytesFreed bytes of those files on disk (their physical size, preallocation included)
 */
public record CleanupResult(
    long committedDropped, long rolledBackDropped, int segmentsDeleted, long bytesFreed) {

  /**
   * All entries dropped.
   *
   * @return committed plus rolled-back entries dropped
   */
  public long entriesDropped() {
    return committedDropped + rolledBackDropped;
  }
}
