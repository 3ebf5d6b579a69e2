package ai.ringrift.distributed.storage.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The content fingerprint of a game: SHA-256 over a version tag, the board type, the player count
 * and the SHA-256 of every move's {@code move_json} in move order, each length-prefixed so that no
 * two different games hash the same input. Ids, timestamps and engine data are not part of it. The
 * moves are hashed on their own ({@link Moves}) so that a scan can hash them before it knows the
 * game's board.
 */
public final class Fingerprint {
  private Fingerprint() {}

  /** The running hash of a game's moves, in move order. Not thread-safe. */
  public static final class Moves {
    private final MessageDigest md = sha256();
    private long count;

    /**
     * Adds the next move's JSON (a string, or bytes if it was stored as a BLOB).
     *
     * @param moveJson the value of {@code move_json}
     */
    public void add(@Nullable Object moveJson) {
      count++;
      if (moveJson == null) {
        md.update((byte) 0);
      } else if (moveJson instanceof byte[]) {
        md.update((byte) 2);
        lengthPrefixed(md, (byte[]) moveJson);
      } else {
        md.update((byte) 1);
        lengthPrefixed(md, moveJson.toString().getBytes(StandardCharsets.UTF_8));
      }
    }

    /** Moves added so far. @return the count */
    public long count() {
      return count;
    }

    /**
     * The game's fingerprint; ends this hash.
     *
     * @param board the board type
     * @param players the player count
     * @return 64 hex digits
     */
    public String finish(String board, long players) {
      MessageDigest g = sha256();
      lengthPrefixed(g, "ringrift-game-fingerprint-v1".getBytes(StandardCharsets.UTF_8));
      lengthPrefixed(g, board.getBytes(StandardCharsets.UTF_8));
      lengthPrefixed(g, Long.toString(players).getBytes(StandardCharsets.UTF_8));
      lengthPrefixed(g, md.digest());
      return HexFormat.of().formatHex(g.digest());
    }
  }

  private static void lengthPrefixed(MessageDigest md, byte[] b) {
    md.update(ByteBuffer.allocate(8).putLong(b.length).array());
    md.update(b);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
