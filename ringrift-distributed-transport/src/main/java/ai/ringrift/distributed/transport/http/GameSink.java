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
