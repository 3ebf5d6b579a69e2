package ai.ringrift.distributed.transport.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link P2PSyncClient#downloadFile} did.
 *
 * @param destination the installed file
 * @param size its size
 * @param sha256 its verified SHA-256
 * @param bytesTransferred bytes received in this call (0 when the file was already up to date)
 * @param resumedFrom the offset a partial file was resumed from (0 for a fresh download)
 * @param skipped whether the destination already held the same content, so nothing moved
 * @param duration wall time
 */
public record DownloadResult(
    Path destination,
    long size,
    String sha256,
    long bytesTransferred,
    long resumedFrom,
    boolean skipped,
    Duration duration) {
  /**
   * Validates the parts.
   *
   * @param destination the file
   * @param size bytes
   * @param sha256 hex digest
   * @param bytesTransferred bytes received
   * @param resumedFrom resume offset
   * @param skipped whether nothing moved
   * @param duration wall time
   */
  public DownloadResult {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(duration, "duration");
  }
}
