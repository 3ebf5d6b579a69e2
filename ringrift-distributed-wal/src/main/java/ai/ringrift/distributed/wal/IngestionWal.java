package ai.ringrift.distributed.wal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The seed's deprecated {@code IngestionWAL}, kept as a thin view over {@link UnifiedWal} so old
 * callers compile: a game to ingest is a {@link WalEntryType#GAME_RECORDED} entry whose JSON
 * payload is {@code {"game_id", "source_host", "game_data"}}, deduplicated by game id; processing
 * it commits it.
 *
 * @deprecated use {@link UnifiedWal#shared()} or {@link UnifiedWal#open(Path)} directly.
 */
@Deprecated
public final class IngestionWal implements AutoCloseable {
  private final UnifiedWal wal;
  private final boolean owned;

  private IngestionWal(UnifiedWal wal, boolean owned) {
    this.wal = wal;
    this.owned = owned;
  }

  /**
   * Opens a WAL of its own in {@code walDir}, as {@code IngestionWAL(wal_dir)} did; closing this
   * view closes it.
   *
   * @param walDir the WAL directory
   * @return the view
   * @throws WalException as {@link UnifiedWal#open(WalConfig)}
   */
  public static IngestionWal open(Path walDir) {
    return new IngestionWal(UnifiedWal.open(walDir), true);
  }

  /**
   * A view over an existing WAL; closing the view leaves the WAL open.
   *
   * @param wal the WAL
   * @return the view
   */
  public static IngestionWal over(UnifiedWal wal) {
    return new IngestionWal(Objects.requireNonNull(wal, "wal"), false);
  }

  /**
   * Records a game to ingest. If {@code gameId} is null it is taken from {@code
   * gameData.get("game_id")}. Appending the same game id again returns the existing entry.
   *
   * @param gameData the game, JSON-serializable
   * @param sourceHost where it came from
   * @param gameId the game id, or {@code null} to read it from {@code gameData}
   * @return the entry id, completed when durable
   * @throws IllegalArgumentException if no game id is given or found
   */
  public CompletableFuture<Long> append(
      Map<String, ?> gameData, String sourceHost, @Nullable String gameId) {
    Object id = gameId != null ? gameId : gameData.get("game_id");
    if (id == null) {
      throw new IllegalArgumentException("no game id given and gameData has no \"game_id\"");
    }
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("game_id", id.toString());
    payload.put("source_host", Objects.requireNonNull(sourceHost, "sourceHost"));
    payload.put("game_data", gameData);
    return wal.appendJson(WalEntryType.GAME_RECORDED, payload, "ingest:" + id);
  }

  /**
   * Games recorded and not yet processed, oldest first.
   *
   * @param limit at most this many
   * @return a snapshot
   */
  public List<WalEntry> unprocessed(int limit) {
    List<WalEntry> all = wal.pendingEntries(WalEntryType.GAME_RECORDED);
    return all.subList(0, Math.min(Math.max(limit, 0), all.size()));
  }

  /**
   * Marks a game processed (commits its entry).
   *
   * @param entryId the entry id
   * @return completes when durable; fails as {@link UnifiedWal#commit(long)}
   */
  public CompletableFuture<Void> markProcessed(long entryId) {
    return wal.commit(entryId);
  }

  /**
   * Drops processed entries older than {@code olderThan}, as the Python {@code compact}.
   *
   * @param olderThan the age
   * @return what was dropped
   */
  public CompletableFuture<CleanupResult> compact(Duration olderThan) {
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
