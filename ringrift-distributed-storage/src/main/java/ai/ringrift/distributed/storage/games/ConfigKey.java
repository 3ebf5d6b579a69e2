package ai.ringrift.distributed.storage.games;

import java.util.Objects;

/**
 * A board/players configuration, written {@code <board>_<players>p} as in the Python cluster, e.g.
 * {@code hex8_2p}.
 *
 * @param board the board type, e.g. {@code hex8}, {@code square19}, {@code hexagonal}
 * @param players the number of players, 1 to 16
 */
public record ConfigKey(String board, int players) {
  /** Checks the values. */
  public ConfigKey {
    Objects.requireNonNull(board, "board");
    if (board.isBlank() || board.chars().anyMatch(ch -> Character.isWhitespace(ch) || ch == '/')) {
      throw new IllegalArgumentException("board must be a non-blank word, got '" + board + "'");
    }
    if (players < 1 || players > 16) {
      throw new IllegalArgumentException("players must be 1..16, got " + players);
    }
  }

  /**
   * Parses {@code <board>_<players>p}.
   *
   * @param key e.g. {@code hex8_2p}
   * @return the key
   * @throws IllegalArgumentException if {@code key} has another form
   */
  public static ConfigKey parse(String key) {
    int us = key.lastIndexOf('_');
    if (us <= 0 || !key.endsWith("p") || us + 2 > key.length() - 1) {
      throw new IllegalArgumentException("config key must look like hex8_2p, got '" + key + "'");
    }
    try {
      return new ConfigKey(
          key.substring(0, us), Integer.parseInt(key.substring(us + 1, key.length() - 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config key must look like hex8_2p, got '" + key + "'", e);
    }
  }

  /** The key as written in the cluster, e.g. {@code hex8_2p}. @return the key */
  @Override
  public String toString() {
    return board + "_" + players + "p";
  }
}
