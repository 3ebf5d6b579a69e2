package ai.ringrift.distributed.transport.http;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link P2PServer} reads the games it serves; core adapts the SQLite game store to it.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Threads.</b> Every method may block (SQLite); the service calls them only on its
 *       blocking executor, never on an event loop, possibly from several threads at once.
 *   <li><b>What is served.</b> Only completed games with at least 5 moves are listed or read.
 *   <li><b>Cursors</b> are opaque strings the source makes; the empty string means "from the
 *       start". A cursor must stay meaningful when the database is VACUUMed (rowids renumbered) and
 *       must not depend on clocks: a game that arrives later (from this node's selfplay or from a
 *       third node) appears after every cursor handed out before it arrived. A source that cannot
 *       interpret a cursor throws {@link IllegalArgumentException}: the service answers 400 {@code
 *       cursor_invalid} and the puller starts over from the empty cursor, which costs an id
 *       listing, never a duplicate game (pullers deduplicate by game id).
 *   <li><b>Failures.</b> A runtime exception becomes a 500 for the request; it never stops the
 *       service.
 * </ul>
 */
public interface GameSource {
  /**
   * The games of the storage module's SQLite game store: only finished games (completed, at least 5
   * moves) are listed and read; cursors are the store's {@code GameCursor} texts, stable across
   * VACUUM and independent of clocks.
   *
   * @param store the store; not closed by the source
   * @return the source
   */
  static GameSource of(ai.ringrift.distributed.storage.games.GameStore store) {
    return ai.ringrift.distributed.transport.http.internal.StoreGames.source(store);
  }

  /**
   * Lists games after a cursor.
   *
   * @param cursor where the previous page ended; empty for the start
   * @param limit at most this many games (1 to 10,000)
   * @param boardType only games of this board type, or {@code null} for all
   * @param numPlayers only games with this many players, or 0 for all
   * @return the page and the cursor after it
   * @throws IllegalArgumentException if the cursor is not one this source made
   */
  GamePage idsAfter(String cursor, int limit, @Nullable String boardType, int numPlayers);

  /**
   * Streams the games with the given ids to {@code out}, one call per game found, in any order;
   * unknown ids (and games that are not served) are skipped. Must not hold all the games in memory.
   *
   * @param gameIds the ids asked for
   * @param out receives each game; its {@link IOException} (the client went away) must propagate
   * @throws IOException what {@code out} threw
   */
  void readGames(List<String> gameIds, GameConsumer out) throws IOException;

  /**
   * The number of served games per config key (e.g. {@code hex8_2p}).
   *
   * @return counts by config; empty when there are none
   */
  Map<String, Long> countsByConfig();

  /** Receives streamed games. */
  @FunctionalInterface
  interface GameConsumer {
    /**
     * Takes one game.
     *
     * @param game the game
     * @throws IOException if the game cannot be sent (the stream is broken)
     */
    void accept(GamePayload game) throws IOException;
  }
}
