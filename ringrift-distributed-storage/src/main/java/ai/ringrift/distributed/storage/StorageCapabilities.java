package ai.ringrift.distributed.storage;

/**
 * What a node's storage can do, which decides how data is synced to it.
 *
 * @param persistent whether data survives the node (false on ephemeral containers)
 * @param sharedAcrossNodes whether other nodes see the same files (NFS): then there is nothing to
 *     copy between them
 * @param maxSizeGb the total size of the file store holding the data root, in GiB ({@code 0} if it
 *     could not be read)
 * @param ramScratch whether the scratch directory is RAM-backed (tmpfs)
 */
public record StorageCapabilities(
    boolean persistent, boolean sharedAcrossNodes, double maxSizeGb, boolean ramScratch) {

  /** Checks the size. */
  public StorageCapabilities {
    if (!(maxSizeGb >= 0)) {
      throw new IllegalArgumentException("maxSizeGb must be >= 0, got " + maxSizeGb);
    }
  }
}
