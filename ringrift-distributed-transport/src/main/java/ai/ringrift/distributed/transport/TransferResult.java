package ai.ringrift.distributed.transport;

import java.time.Duration;

/**
 * What a finished transfer moved.
 *
 * @param host the remote host's name
 * @param transport the transport's name
 * @param filesTransferred files written at the destination (unchanged files are not counted)
 * @param bytesTransferred bytes of file content written at the destination
 * @param duration wall time of the transfer
 */
public record TransferResult(
    String host,
    String transport,
    long filesTransferred,
    long bytesTransferred,
    Duration duration) {}
