package ai.ringrift.distributed.storage.internal;

import org.jspecify.annotations.Nullable;

/** Which games count as finished, per the v18 facts (see the games package comment). */
public final class GameRules {
  private GameRules() {}

  /** The state of a games row. */
  public enum State {
    /** Finished: read, indexed and imported. */
    FINISHED,
    /** A placeholder or a game still being played: may finish later. */
    PENDING,
    /** Will never be a game worth reading (abandoned, completed with too few moves). */
    REJECTED
  }

  /**
   * Classifies a games row.
   *
   * @param status its {@code game_status}
   * @param totalMoves its {@code total_moves} (null reads as 0)
   * @param moveRows its number of {@code game_moves} rows
   * @return the state
   */
  public static State classify(@Nullable String status, @Nullable Long totalMoves, long moveRows) {
    long total = totalMoves == null ? 0 : totalMoves;
    String s = status == null ? "" : status;
    switch (s) {
      case "completed":
      case "finished":
        return moveRows >= SchemaV18.MIN_MOVES ? State.FINISHED : State.REJECTED;
      case "active":
        if (total >= SchemaV18.MIN_MOVES && total == moveRows) {
          return State.FINISHED;
        }
        return State.PENDING;
      case "in_progress":
      case "waiting":
      case "paused":
        return State.PENDING;
      default:
        return State.REJECTED;
    }
  }

  /**
   * Whether a row could be finished, judged on its own columns (the move rows still need counting).
   *
   * @param status its {@code game_status}
   * @param totalMoves its {@code total_moves}
   * @return true if counting its moves could make it finished
   */
  public static boolean mayBeFinished(@Nullable String status, @Nullable Long totalMoves) {
    long total = totalMoves == null ? 0 : totalMoves;
    return "completed".equals(status)
        || "finished".equals(status)
        || ("active".equals(status) && total >= SchemaV18.MIN_MOVES);
  }
}
