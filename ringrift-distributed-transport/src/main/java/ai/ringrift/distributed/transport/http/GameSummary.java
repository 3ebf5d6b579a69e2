package ai.ringrift.distributed.transport.http;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a peer says about one game in an id listing: enough for a puller to choose, not the game.
 *
 * @param gameId the game's id
 * @param boardType e.g. {@code hex8}, {@code square8}
 * @param numPlayers 2 to 4
 * @param totalMoves the number of moves (at least 5: only such games are listed)
 * @param qualityScore the quality in [0,1], or {@code null} when not scored
 */
public record GameSummary(
    String gameId,
    String boardType,
    int numPlayers,
    int totalMoves,
    @Nullable Double qualityScore) {
  /**
   * Validates the parts.
   *
   * @param gameId not blank
   * @param boardType not blank
   * @param numPlayers positive
   * @param totalMoves not negative
   * @param qualityScore any value or {@code null}
   */
  public GameSummary {
    Objects.requireNonNull(gameId, "gameId");
    Objects.requireNonNull(boardType, "boardType");
    if (numPlayers < 1) {
      throw new IllegalArgumentException("numPlayers must be positive, was " + numPlayers);
    }
  }

  /**
   * The config key the Python cluster uses, e.g. {@code hex8_2p}.
   *
   * @return board type, underscore, player count, {@code p}
   */
  public String configKey() {
    return boardType + "_" + numPlayers + "p";
  }
}
