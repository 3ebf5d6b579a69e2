package ai.ringrift.distributed.storage.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The content fingerprint of a game: SHA-256 over a version tag, the board type, the player count
 * and every move's {@code move_json} in move order, each length-prefixed so that no two different
 * games hash the same input. Ids, timestamps and engine data are not part of it.
 */
public final class Fingerprint {
  private final MessageDigest md;

  /**
   * Starts a fingerprint.
   *
   * @param board the board type
   * @param players the player count
   */
  public Fingerprint(String board, long players) {
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    add("ringrift-game-fingerprint-v1".getBytes(StandardCharsets.UTF_8));
    add(board.getBytes(StandardCharsets.UTF_8));
    add(Long.toString(players).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Adds the next move's JSON (a string, or bytes if it was stored as a BLOB).
   *
   * @param moveJson the value of {@code move_json}
   */
  public void addMove(@Nullable Object moveJson) {
    if (moveJson == null) {
      md.update((byte) 0);
    } else if (moveJson instanceof byte[]) {
      md.update((byte) 2);
      add((byte[]) moveJson);
    } else {
      md.update((byte) 1);
      add(moveJson.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The fingerprint, 64 hex digits. @return the hex digest */
  public String finish() {
    return HexFormat.of().formatHex(md.digest());
  }

  private void add(byte[] b) {
    md.update(ByteBuffer.allocate(8).putLong(b.length).array());
    md.update(b);
  }
}
