package ai.ringrift.distributed.transport.http;

import java.util.List;
import java.util.Objects;

/**
 * One page of a peer's game listing.
 *
 * @param games the games after the cursor, in the source's order
 * @param nextCursor the cursor to ask for the next page with; also the cursor to keep once every
 *     game of this page is stored locally
 * @param hasMore whether more games follow {@code nextCursor} right now
 */
public record GamePage(List<GameSummary> games, String nextCursor, boolean hasMore) {
  /**
   * Copies the list.
   *
   * @param games the games
   * @param nextCursor the next cursor
   * @param hasMore whether more follow
   */
  public GamePage {
    games = List.copyOf(games);
    Objects.requireNonNull(nextCursor, "nextCursor");
  }
}
