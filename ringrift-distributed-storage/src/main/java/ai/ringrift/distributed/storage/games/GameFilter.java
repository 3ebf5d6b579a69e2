package ai.ringrift.distributed.storage.games;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which games a query returns: by board types, player counts and a minimum quality score. Every
 * criterion left unset matches all games. Immutable.
 */
public final class GameFilter {
  private static final GameFilter ALL = new GameFilter(Set.of(), Set.of(), null);

  private final Set<String> boards;
  private final Set<Integer> players;
  private final @Nullable Double minQuality;

  private GameFilter(Set<String> boards, Set<Integer> players, @Nullable Double minQuality) {
    this.boards = Set.copyOf(boards);
    this.players = Set.copyOf(players);
    this.minQuality = minQuality;
  }

  /** A filter matching every game. @return the filter */
  public static GameFilter all() {
    return ALL;
  }

  /** A new builder. @return the builder */
  public static Builder builder() {
    return new Builder();
  }

  /** The board types to match; empty for all. @return the boards */
  public Set<String> boards() {
    return boards;
  }

  /** The player counts to match; empty for all. @return the counts */
  public Set<Integer> players() {
    return players;
  }

  /**
   * The minimum quality score; games without a score do not match when it is set.
   *
   * @return the minimum, or null for none
   */
  public @Nullable Double minQuality() {
    return minQuality;
  }

  /**
   * Whether a game matches.
   *
   * @param g the game
   * @return true if it matches every criterion
   */
  public boolean matches(GameSummary g) {
    return (boards.isEmpty() || boards.contains(g.config().board()))
        && (players.isEmpty() || players.contains(g.config().players()))
        && (minQuality == null || (g.quality() != null && g.quality() >= minQuality));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GameFilter
        && ((GameFilter) o).boards.equals(boards)
        && ((GameFilter) o).players.equals(players)
        && Objects.equals(((GameFilter) o).minQuality, minQuality);
  }

  @Override
  public int hashCode() {
    return Objects.hash(boards, players, minQuality);
  }

  @Override
  public String toString() {
    return "GameFilter[boards="
        + boards
        + ", players="
        + players
        + ", minQuality="
        + minQuality
        + "]";
  }

  /** Builds a {@link GameFilter}. */
  public static final class Builder {
    private final Set<String> boards = new LinkedHashSet<>();
    private final Set<Integer> players = new LinkedHashSet<>();
    private @Nullable Double minQuality;

    private Builder() {}

    /**
     * Adds a board type to match.
     *
     * @param board e.g. {@code hex8}
     * @return this builder
     */
    public Builder board(String board) {
      Objects.requireNonNull(board, "board");
      if (board.isBlank()) {
        throw new IllegalArgumentException("board must not be blank");
      }
      boards.add(board);
      return this;
    }

    /**
     * Adds a player count to match.
     *
     * @param count 1 to 16
     * @return this builder
     */
    public Builder players(int count) {
      if (count < 1 || count > 16) {
        throw new IllegalArgumentException("players must be 1..16, got " + count);
      }
      players.add(count);
      return this;
    }

    /**
     * Adds a configuration to match (its board and its player count).
     *
     * @param config e.g. {@code hex8_2p}
     * @return this builder
     */
    public Builder config(ConfigKey config) {
      return board(config.board()).players(config.players());
    }

    /**
     * Sets the minimum quality score.
     *
     * @param min in [0, 1]
     * @return this builder
     */
    public Builder minQuality(double min) {
      if (!(min >= 0 && min <= 1)) {
        throw new IllegalArgumentException("minQuality must be in [0, 1], got " + min);
      }
      this.minQuality = min;
      return this;
    }

    /** Builds the filter. @return the filter */
    public GameFilter build() {
      return new GameFilter(boards, players, minQuality);
    }
  }
}
