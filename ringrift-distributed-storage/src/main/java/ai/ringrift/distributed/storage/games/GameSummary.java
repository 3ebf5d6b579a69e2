package ai.ringrift.distributed.storage.games;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The fields of a finished game that queries return without reading its rows.
 *
 * @param gameId the game's id
 * @param config its board and player count
 * @param status its {@code game_status} ({@code completed}, {@code finished} or {@code active} for
 *     a move-limit game)
 * @param totalMoves its {@code total_moves}
 * @param quality its {@code quality_score}, or null if none was computed
 * @param createdAt its {@code created_at} exactly as written (with or without an offset)
 */
public record GameSummary(
    String gameId,
    ConfigKey config,
    String status,
    long totalMoves,
    @Nullable Double quality,
    String createdAt) {
  /** Checks the values. */
  public GameSummary {
    Objects.requireNonNull(gameId, "gameId");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
