package ai.ringrift.distributed.transport.http;

import java.util.Objects;

/**
 * What a peer answered to {@link P2PSyncClient#requestGamePull}: the games it pulled from the
 * source named in the request.
 *
 * @param peer the peer that pulled (host of the client view)
 * @param gamesListed ids the peer listed on the source after its cursor
 * @param gamesFetched games the peer received (the listed ones it lacked)
 * @param gamesImported games newly stored by the peer
 * @param bytes bytes the peer received from the source (compressed, listings included)
 */
public record RemoteGamePull(
    String peer, long gamesListed, long gamesFetched, long gamesImported, long bytes) {
  /**
   * Validates the parts.
   *
   * @param peer the peer
   * @param gamesListed listed ids
   * @param gamesFetched fetched games
   * @param gamesImported stored games
   * @param bytes bytes received
   */
  public RemoteGamePull {
    Objects.requireNonNull(peer, "peer");
  }
}
