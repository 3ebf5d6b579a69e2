package ai.ringrift.distributed.transport.http;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Where a {@link P2PSyncClient} stores the games it pulls; core adapts the SQLite game store to it.
 *
 * <p>Methods may block; the client calls them on its own executor, one call at a time per pull.
 * Runtime exceptions fail the pull (the cursor is then not advanced past the failed page).
 */
public interface GameSink {
  /**
   * Imports into the storage module's SQLite game store (its library-owned databases, one per
   * config, deduplicated by game id). {@link #missing} asks the store which ids it lacks, so a game
   * that already reached this node by another path is not transferred again.
   *
   * @param store the store; not closed by the sink
   * @return the sink
   */
  static GameSink of(ai.ringrift.distributed.storage.games.GameStore store) {
    return ai.ringrift.distributed.transport.http.internal.StoreGames.sink(store);
  }

  /**
   * Which of these games this node lacks.
   *
   * @param gameIds ids a peer listed
   * @return the subset not stored locally
   */
  Set<String> missing(Collection<String> gameIds);

  /**
   * Stores games, each with all its child rows, in one transaction; games already present are
   * skipped (deduplication by game id).
   *
   * @param games games to store, at most the client's import batch size
   * @param sourceHost the peer they came from
   * @return how many were newly stored
   */
  int importGames(List<GamePayload> games, String sourceHost);
}
