package ai.ringrift.distributed.wal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The seed's deprecated {@code WriteAheadLog} alias, kept as a thin view over {@link UnifiedWal}: a
 * game to sync is a {@link WalEntryType#SYNC_STARTED} entry with JSON payload {@code {"game_id",
 * "source_host", "source_db", "data_hash"}}, deduplicated by game id and hash; confirming the sync
 * commits it.
 *
 * @deprecated use {@link UnifiedWal} directly.
 */
@Deprecated
public final class WriteAheadLog implements AutoCloseable {
  private final UnifiedWal wal;
  private final boolean owned;

  private WriteAheadLog(UnifiedWal wal, boolean owned) {
    this.wal = wal;
    this.owned = owned;
  }

  /**
   * Opens a WAL of its own in {@code walDir}; closing this view closes it.
   *
   * @param walDir the WAL directory
   * @return the view
   * @throws WalException as {@link UnifiedWal#open(WalConfig)}
   */
  public static WriteAheadLog open(Path walDir) {
    return new WriteAheadLog(UnifiedWal.open(walDir), true);
  }

  /**
   * A view over an existing WAL; closing the view leaves the WAL open.
   *
   * @param wal the WAL
   * @return the view
   */
  public static WriteAheadLog over(UnifiedWal wal) {
    return new WriteAheadLog(Objects.requireNonNull(wal, "wal"), false);
  }

  /**
   * Records a game to sync; the same game id and hash again returns the existing entry.
   *
   * @param gameId the game id
   * @param sourceHost the host it comes from
   * @param sourceDb the database it is in
   * @param dataHash its content hash
   * @return the entry id, completed when durable
   */
  public CompletableFuture<Long> append(
      String gameId, String sourceHost, String sourceDb, String dataHash) {
    Map<String, String> payload = new LinkedHashMap<>();
    payload.put("game_id", Objects.requireNonNull(gameId, "gameId"));
    payload.put("source_host", Objects.requireNonNull(sourceHost, "sourceHost"));
    payload.put("source_db", Objects.requireNonNull(sourceDb, "sourceDb"));
    payload.put("data_hash", Objects.requireNonNull(dataHash, "dataHash"));
    return wal.appendJson(WalEntryType.SYNC_STARTED, payload, "sync:" + gameId + ":" + dataHash);
  }

  /**
   * Confirms the sync of these games: commits every pending sync entry for them.
   *
   * @param gameIds the games
   * @return the number of entries committed, once durable
   */
  public CompletableFuture<Integer> confirmSynced(Collection<String> gameIds) {
    Set<String> wanted = Set.copyOf(gameIds);
    List<CompletableFuture<Void>> commits = new ArrayList<>();
    for (WalEntry e : wal.pendingEntries(WalEntryType.SYNC_STARTED)) {
      if (wanted.contains(e.json().path("game_id").asText())) {
        commits.add(wal.commit(e.id()));
      }
    }
    int n = commits.size();
    return CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).thenApply(v -> n);
  }

  /**
   * Drops confirmed entries older than {@code olderThan}, as the Python {@code cleanup_confirmed}.
   *
   * @param olderThan the age
   * @return what was dropped
   */
  public CompletableFuture<CleanupResult> cleanupConfirmed(Duration olderThan) {
    return wal.cleanup(olderThan);
  }

  /**
   * The WAL behind this view.
   *
   * @return the unified WAL
   */
  public UnifiedWal unified() {
    return wal;
  }

  /** Closes the WAL if this view opened it. */
  @Override
  public void close() {
    if (owned) {
      wal.close();
    }
  }
}
