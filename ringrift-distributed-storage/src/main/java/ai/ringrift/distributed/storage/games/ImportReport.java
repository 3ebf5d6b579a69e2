package ai.ringrift.distributed.storage.games;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link GameStore#importGames} did.
 *
 * @param imported games written
 * @param duplicates games skipped because a game with the same id is already on this node
 * @param unfinished games skipped because they are not finished (placeholders, fewer than 5 moves)
 * @param rejected games refused with a reason (unknown columns, bad values, a database error)
 * @param sameContent imported games whose content (board, players, moves) equals another game's
 *     under a different id; reported, never dropped
 * @param importedByConfig imported games per configuration
 */
public record ImportReport(
    long imported,
    long duplicates,
    long unfinished,
    List<Rejected> rejected,
    List<SameContent> sameContent,
    Map<ConfigKey, Long> importedByConfig) {

  /** Copies the collections. */
  public ImportReport {
    rejected = List.copyOf(rejected);
    sameContent = List.copyOf(sameContent);
    importedByConfig = Map.copyOf(importedByConfig);
  }

  /**
   * A game that was not imported.
   *
   * @param gameId its id
   * @param reason why
   */
  public record Rejected(String gameId, String reason) {
    /** Checks the values. */
    public Rejected {
      Objects.requireNonNull(gameId, "gameId");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Two games with the same content fingerprint (SHA-256 of board, players and the moves' JSON).
   *
   * @param gameId the imported game
   * @param sameAs the game already known with the same content
   * @param fingerprint the shared fingerprint, hex
   */
  public record SameContent(String gameId, String sameAs, String fingerprint) {
    /** Checks the values. */
    public SameContent {
      Objects.requireNonNull(gameId, "gameId");
      Objects.requireNonNull(sameAs, "sameAs");
      Objects.requireNonNull(fingerprint, "fingerprint");
    }
  }
}
