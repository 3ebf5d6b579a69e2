package ai.ringrift.distributed.storage.games;

import java.util.Objects;

/**
 * A position in one node's game index: "every game indexed after this one". Opaque to callers: keep
 * the one a page returned and pass it back, or send {@link #toString()} to another node and {@link
 * #parse} it there.
 *
 * <p>Positions are the index's own sequence numbers, assigned when this node first indexes a game,
 * so they only move forward and do not depend on clocks, rowids or file order. A cursor carries the
 * identity (epoch) of the index that issued it; given to an index with another epoch (its file was
 * deleted and rebuilt), it reads as the start, so games are offered again rather than skipped
 * (importers deduplicate by game id).
 */
public final class GameCursor {
  private static final String PREFIX = "gc1";
  private static final GameCursor START = new GameCursor("", 0);

  private final String epoch;
  private final long sequence;

  private GameCursor(String epoch, long sequence) {
    this.epoch = epoch;
    this.sequence = sequence;
  }

  /**
   * The cursor before every game.
   *
   * @return the start cursor
   */
  public static GameCursor start() {
    return START;
  }

  /**
   * A cursor at {@code sequence} in the index with {@code epoch}. For the store's implementation.
   *
   * @param epoch the index identity, letters, digits and '-' only
   * @param sequence the position, at least 0
   * @return the cursor
   */
  public static GameCursor of(String epoch, long sequence) {
    Objects.requireNonNull(epoch, "epoch");
    if (!epoch.matches("[A-Za-z0-9-]*")) {
      throw new IllegalArgumentException(
          "epoch must be letters, digits or '-', got '" + epoch + "'");
    }
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must be >= 0, got " + sequence);
    }
    return sequence == 0 && epoch.isEmpty() ? START : new GameCursor(epoch, sequence);
  }

  /**
   * Parses the form {@link #toString()} writes.
   *
   * @param text e.g. {@code gc1:3f2a...:1042}
   * @return the cursor
   * @throws IllegalArgumentException if the text is not a cursor
   */
  public static GameCursor parse(String text) {
    String[] parts = text.split(":", -1);
    if (parts.length != 3 || !parts[0].equals(PREFIX)) {
      throw new IllegalArgumentException("not a game cursor: '" + text + "'");
    }
    try {
      return of(parts[1], Long.parseLong(parts[2]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a game cursor: '" + text + "'", e);
    }
  }

  /**
   * The identity of the index that issued the cursor; empty for {@link #start()}.
   *
   * @return the epoch
   */
  public String epoch() {
    return epoch;
  }

  /**
   * The position in that index; 0 for {@link #start()}.
   *
   * @return the sequence number
   */
  public long sequence() {
    return sequence;
  }

  /** The serialized form, {@code gc1:<epoch>:<sequence>}. @return the text */
  @Override
  public String toString() {
    return PREFIX + ":" + epoch + ":" + sequence;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GameCursor
        && ((GameCursor) o).sequence == sequence
        && ((GameCursor) o).epoch.equals(epoch);
  }

  @Override
  public int hashCode() {
    return epoch.hashCode() * 31 + Long.hashCode(sequence);
  }
}
