package ai.ringrift.distributed.transport;

/**
 * One progress event of a transfer.
 *
 * @param file the file being transferred, relative to the transfer's root
 * @param bytesTransferred bytes of this file done so far
 * @param totalBytes the file's size, or -1 when not known
 * @param bytesPerSecond the current rate, or -1 when not known
 */
public record TransferProgress(
    String file, long bytesTransferred, long totalBytes, long bytesPerSecond) {}
