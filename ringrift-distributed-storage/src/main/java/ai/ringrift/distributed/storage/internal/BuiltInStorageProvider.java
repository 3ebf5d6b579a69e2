package ai.ringrift.distributed.storage.internal;

import ai.ringrift.distributed.storage.StorageCapabilities;
import ai.ringrift.distributed.storage.StoragePaths;
import ai.ringrift.distributed.storage.StorageProvider;
import ai.ringrift.distributed.storage.StorageProviderType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** The providers the library ships: one class, configured per type. */
public final class BuiltInStorageProvider implements StorageProvider {
  private static final double GIB = 1024.0 * 1024 * 1024;

  private final StorageProviderType type;
  private final StoragePaths paths;
  private final MountTable mounts;

  /**
   * Creates a provider.
   *
   * @param type the kind of storage
   * @param paths where data lives
   * @param mounts the mount table used to tell whether scratch is RAM-backed
   */
  public BuiltInStorageProvider(StorageProviderType type, StoragePaths paths, MountTable mounts) {
    this.type = Objects.requireNonNull(type, "type");
    this.paths = Objects.requireNonNull(paths, "paths");
    this.mounts = Objects.requireNonNull(mounts, "mounts");
  }

  @Override
  public StorageProviderType type() {
    return type;
  }

  @Override
  public StoragePaths paths() {
    return paths;
  }

  @Override
  public StorageCapabilities capabilities() {
    return new StorageCapabilities(
        type != StorageProviderType.EPHEMERAL,
        type == StorageProviderType.NFS,
        totalGb(paths.root()),
        mounts.isRam(paths.scratch()));
  }

  /** Total size of the file store holding {@code dir} or its nearest existing ancestor, in GiB. */
  static double totalGb(Path dir) {
    Path p = dir.toAbsolutePath();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null) {
      return 0;
    }
    try {
      return Files.getFileStore(p).getTotalSpace() / GIB;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  @Override
  public String toString() {
    return "StorageProvider[" + type.configName() + ", root=" + paths.root() + "]";
  }
}
