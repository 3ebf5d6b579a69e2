package ai.ringrift.distributed.transport.rsync;

import ai.ringrift.distributed.transport.TransferResult;
import java.time.Duration;

/**
 * What an rsync run moved, from its {@code --stats}.
 *
 * @param host the remote host's name
 * @param filesTransferred regular files transferred ("Number of regular files transferred")
 * @param transferredFileSize their total size ("Total transferred file size")
 * @param literalBytes bytes sent as literal data ("Literal data")
 * @param matchedBytes bytes reused from a basis file at the destination, e.g. a partial file of an
 *     interrupted run ("Matched data")
 * @param bytesSent bytes rsync sent over the wire ("Total bytes sent")
 * @param bytesReceived bytes rsync received ("Total bytes received")
 * @param duration wall time, including the connection
 */
public record RsyncResult(
    String host,
    long filesTransferred,
    long transferredFileSize,
    long literalBytes,
    long matchedBytes,
    long bytesSent,
    long bytesReceived,
    Duration duration) {

  /**
   * As the transport-neutral result.
   *
   * @return files and transferred file size
   */
  public TransferResult toTransferResult() {
    return new TransferResult(host, "rsync", filesTransferred, transferredFileSize, duration);
  }
}
