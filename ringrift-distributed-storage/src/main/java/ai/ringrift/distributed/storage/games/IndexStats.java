package ai.ringrift.distributed.storage.games;

import java.nio.file.Path;
import java.util.Map;

/**
 * What one refresh of the game index did.
 *
 * @param newGames finished games indexed by this refresh
 * @param databases game databases looked at
 * @param fullRescans databases whose ids were all rescanned (new file, replaced file, VACUUM or
 *     rowid reuse detected); the others were scanned from their high-water mark only
 * @param pending placeholder games waiting to finish
 * @param refused databases that were skipped, with the reason (another schema version, not a game
 *     database, unreadable)
 */
public record IndexStats(
    long newGames, int databases, int fullRescans, long pending, Map<Path, String> refused) {
  /** Copies the map. */
  public IndexStats {
    refused = Map.copyOf(refused);
  }
}
