package ai.ringrift.distributed.wal;

import java.time.Duration;
import java.util.List;

/**
 * What opening a WAL found and changed on disk.
 *
 * @param segmentsScanned segment files read
 * @param recordsRead valid records read
 * @param bytesRead bytes of valid records and headers read
 * @param bytesDropped bytes truncated (a torn or corrupt tail, or repaired segments)
 * @param recordsDropped records lost with those bytes: the bad one plus every well-formed record
 *     found after it (a lower bound when the bytes after the bad one do not parse)
 * @param pendingEntries pending entries rebuilt
 * @param problems one line per truncation or repair, naming file and offset; empty when clean
 * @param elapsed how long the scan took
 */
public record RecoveryReport(
    int segmentsScanned,
    long recordsRead,
    long bytesRead,
    long bytesDropped,
    long recordsDropped,
    long pendingEntries,
    List<String> problems,
    Duration elapsed) {

  /**
   * Copies the list of problems.
   *
   * @param segmentsScanned segment files read
   * @param recordsRead valid records read
   * @param bytesRead bytes read
   * @param bytesDropped bytes truncated
   * @param recordsDropped records lost
   * @param pendingEntries pending entries rebuilt
   * @param problems what was truncated or repaired
   * @param elapsed scan time
   */
  public RecoveryReport {
    problems = List.copyOf(problems);
  }

  /**
   * Whether recovery dropped nothing.
   *
   * @return {@code true} if no byte was truncated
   */
  public boolean clean() {
    return bytesDropped == 0 && problems.isEmpty();
  }
}
