package ai.ringrift.distributed.transport.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One game as it travels: its id and the UTF-8 JSON document holding the game row and all its child
 * rows (the format is the {@link GameSource}'s; {@code docs/PROTOCOL.md} documents the one the
 * SQLite game store uses). The transport never parses the document; it frames, compresses and
 * counts it.
 *
 * @param gameId the game's id
 * @param json the game document, UTF-8 JSON
 */
public record GamePayload(String gameId, byte[] json) {
  /**
   * Validates the parts.
   *
   * @param gameId not blank
   * @param json not empty
   */
  public GamePayload {
    Objects.requireNonNull(gameId, "gameId");
    Objects.requireNonNull(json, "json");
    if (gameId.isBlank()) {
      throw new IllegalArgumentException("gameId must not be blank");
    }
    if (json.length == 0) {
      throw new IllegalArgumentException("game " + gameId + " has an empty document");
    }
  }

  /**
   * The document as a string.
   *
   * @return the JSON text
   */
  public String jsonText() {
    return new String(json, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GamePayload g && gameId.equals(g.gameId) && Arrays.equals(json, g.json);
  }

  @Override
  public int hashCode() {
    return 31 * gameId.hashCode() + Arrays.hashCode(json);
  }

  @Override
  public String toString() {
    return "GamePayload{" + gameId + ", " + json.length + " bytes}";
  }
}
