package ai.ringrift.distributed.storage;

import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of node storage the library knows.
 *
 * <p>The names accepted by {@link #parse(String)} include the Python cluster's values ({@code
 * lambda} for the Lambda Labs shared NFS, {@code vast} for Vast.ai ephemeral disks), so an existing
 * {@code RINGRIFT_STORAGE_PROVIDER} setting keeps working.
 */
public enum StorageProviderType {
  /** A node's own persistent disk, not shared with other nodes. */
  LOCAL,
  /**
   * A network file system mounted on several nodes (Lambda NFS): data written once is seen by all.
   */
  NFS,
  /** A disk that vanishes with the node (Vast.ai containers): sync early and often. */
  EPHEMERAL;

  /**
   * Parses a provider name, case-insensitively and ignoring surrounding blanks: {@code local};
   * {@code nfs} or {@code lambda}; {@code ephemeral} or {@code vast}.
   *
   * @param name the name to parse
   * @return the type, or empty if the name is none of the above
   */
  public static Optional<StorageProviderType> parse(String name) {
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "local":
        return Optional.of(LOCAL);
      case "nfs":
      case "lambda":
        return Optional.of(NFS);
      case "ephemeral":
      case "vast":
        return Optional.of(EPHEMERAL);
      default:
        return Optional.empty();
    }
  }

  /**
   * The lower-case name used in configuration and logs, e.g. {@code nfs}.
   *
   * @return the configuration name
   */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
