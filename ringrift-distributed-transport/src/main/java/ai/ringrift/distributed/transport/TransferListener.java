package ai.ringrift.distributed.transport;

/**
 * Receives a transfer's progress. Called from the transport's threads, never under its locks; it
 * must be fast and must not throw (a throwing listener is logged and ignored).
 */
@FunctionalInterface
public interface TransferListener {
  /** A listener that ignores every event. */
  TransferListener NONE = progress -> {};

  /**
   * Progress of the current file.
   *
   * @param progress bytes so far, the total when known, and the file
   */
  void onProgress(TransferProgress progress);
}
