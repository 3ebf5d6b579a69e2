package ai.ringrift.distributed.storage.games;

import java.util.List;
import java.util.Objects;

/**
 * One page of {@link GameStore#idsAfter}.
 *
 * @param games the games after the cursor, in index order
 * @param next the cursor to ask with next time
 * @param hasMore whether more games were already indexed after this page
 */
public record GamePage(List<GameSummary> games, GameCursor next, boolean hasMore) {
  /** Copies the list. */
  public GamePage {
    games = List.copyOf(games);
    Objects.requireNonNull(next, "next");
  }
}
