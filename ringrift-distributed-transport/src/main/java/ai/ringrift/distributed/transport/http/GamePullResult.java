package ai.ringrift.distributed.transport.http;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link P2PSyncClient#pullGamesSince} did.
 *
 * @param host the peer pulled from
 * @param cursor the cursor to pass next time (every game before it is stored locally)
 * @param listed games the peer listed after the starting cursor
 * @param fetched games received (the listed ones this node lacked)
 * @param imported games newly stored (fewer than fetched when another pull stored some first)
 * @param bytesReceived bytes on the wire (compressed), id listings included
 * @param duration wall time
 */
public record GamePullResult(
    String host,
    String cursor,
    long listed,
    long fetched,
    long imported,
    long bytesReceived,
    Duration duration) {
  /**
   * Validates the parts.
   *
   * @param host the peer
   * @param cursor the next cursor
   * @param listed listed games
   * @param fetched fetched games
   * @param imported stored games
   * @param bytesReceived wire bytes
   * @param duration wall time
   */
  public GamePullResult {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(cursor, "cursor");
    Objects.requireNonNull(duration, "duration");
  }
}
