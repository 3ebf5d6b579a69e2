package ai.ringrift.distributed.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one category's sync moved, as the seed's {@code SyncStats}: files (or games, for {@link
 * SyncCategory#GAMES}) and bytes transferred, how long it took, and the errors met on the way (each
 * naming the host). A sync with errors may still have moved data.
 *
 * @param category the category synced
 * @param filesTransferred files written at destinations; games imported for {@code GAMES}
 * @param bytesTransferred bytes moved over the network
 * @param duration wall time
 * @param errors one line per failure, naming host and cause; empty when all went well
 */
public record SyncStats(
    SyncCategory category,
    long filesTransferred,
    long bytesTransferred,
    Duration duration,
    List<String> errors) {

  /** Validates and copies the error list. */
  public SyncStats {
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(duration, "duration");
    errors = List.copyOf(errors);
    if (filesTransferred < 0 || bytesTransferred < 0) {
      throw new IllegalArgumentException(
          "counts must not be negative: files=" + filesTransferred + " bytes=" + bytesTransferred);
    }
  }

  /**
   * Stats of a sync that moved nothing and met no error.
   *
   * @param category the category
   * @return empty stats
   */
  public static SyncStats empty(SyncCategory category) {
    return new SyncStats(category, 0, 0, Duration.ZERO, List.of());
  }

  /**
   * Whether the sync met no error.
   *
   * @return {@code true} when {@link #errors()} is empty
   */
  public boolean succeeded() {
    return errors.isEmpty();
  }

  /**
   * The sum of two syncs of the same category (durations add, errors concatenate).
   *
   * @param other stats of the same category
   * @return the combined stats
   */
  public SyncStats plus(SyncStats other) {
    if (other.category != category) {
      throw new IllegalArgumentException("cannot add " + other.category + " stats to " + category);
    }
    List<String> all = new java.util.ArrayList<>(errors);
    all.addAll(other.errors);
    return new SyncStats(
        category,
        filesTransferred + other.filesTransferred,
        bytesTransferred + other.bytesTransferred,
        duration.plus(other.duration),
        all);
  }
}
