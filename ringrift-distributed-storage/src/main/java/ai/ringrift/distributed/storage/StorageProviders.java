package ai.ringrift.distributed.storage;

import ai.ringrift.distributed.storage.internal.BuiltInStorageProvider;
import ai.ringrift.distributed.storage.internal.MountTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the storage provider of this node.
 *
 * <p>Detection order ({@link #detect(Detection)}):
 *
 * <ol>
 *   <li>a provider passed explicitly ({@link Detection.Builder#provider});
 *   <li>the environment variable {@code RINGRIFT_STORAGE_PROVIDER}: {@code local}, {@code nfs},
 *       {@code ephemeral}, or the Python values {@code lambda} (NFS) and {@code vast} (ephemeral);
 *       any other value is an error;
 *   <li>NFS: the configured NFS root ({@code /lambda/nfs/RingRift} by default) is a directory
 *       <em>and</em> the mount table says the file system holding it is a network one (a directory
 *       that merely exists is not enough);
 *   <li>ephemeral: the environment variable {@code VAST_CONTAINERLABEL} is set (a bare {@code
 *       /workspace} directory is not enough: many container images have one);
 *   <li>otherwise local.
 * </ol>
 *
 * <p>The provider of the detected type is the one found with {@link ServiceLoader} for that type,
 * else the built-in one ({@link #get(StorageProviderType)}). Nothing is cached: every call detects
 * again, and callers keep the provider they were given.
 */
public final class StorageProviders {
  /** The environment variable that forces a provider. */
  public static final String ENV_PROVIDER = "RINGRIFT_STORAGE_PROVIDER";

  /** The environment variable that marks a Vast.ai container. */
  public static final String ENV_VAST_CONTAINER = "VAST_CONTAINERLABEL";

  /** The NFS root of the Lambda Labs cluster, the default NFS root. */
  public static final Path DEFAULT_NFS_ROOT = Path.of("/lambda/nfs/RingRift");

  /** The data root of Vast.ai containers, the default ephemeral root. */
  public static final Path DEFAULT_EPHEMERAL_ROOT = Path.of("/workspace");

  private static final Logger LOG = LoggerFactory.getLogger(StorageProviders.class);

  private StorageProviders() {}

  /**
   * Detects the provider from the real environment, {@code /proc/self/mounts} and the default roots
   * (the working directory for local storage).
   *
   * @return the provider
   * @throws StorageException if {@code RINGRIFT_STORAGE_PROVIDER} holds an unknown value
   */
  public static StorageProvider detect() {
    return detect(Detection.builder().build());
  }

  /**
   * Detects the provider from the inputs in {@code detection}, in the order the class comment
   * gives.
   *
   * @param detection environment, mount table and roots to use
   * @return the provider
   * @throws StorageException if {@code RINGRIFT_STORAGE_PROVIDER} holds an unknown value
   */
  public static StorageProvider detect(Detection detection) {
    Objects.requireNonNull(detection, "detection");
    if (detection.explicit != null) {
      return detection.explicit;
    }
    StorageProviderType type = detectType(detection);
    return lookup(type, detection).orElseGet(() -> builtIn(type, detection));
  }

  /**
   * Detects only the type, without choosing a provider.
   *
   * @param detection environment, mount table and roots to use
   * @return the type
   * @throws StorageException if {@code RINGRIFT_STORAGE_PROVIDER} holds an unknown value
   */
  public static StorageProviderType detectType(Detection detection) {
    Objects.requireNonNull(detection, "detection");
    if (detection.explicit != null) {
      return detection.explicit.type();
    }
    String forced = detection.env.get(ENV_PROVIDER);
    if (forced != null && !forced.isBlank()) {
      return StorageProviderType.parse(forced)
          .orElseThrow(
              () ->
                  new StorageException(
                      ENV_PROVIDER
                          + "='"
                          + forced
                          + "' is not a storage provider; use local, nfs, ephemeral, lambda or vast"));
    }
    MountTable mounts = detection.mountTable();
    if (Files.isDirectory(detection.nfsRoot) && mounts.isNetwork(detection.nfsRoot)) {
      return StorageProviderType.NFS;
    }
    if (Files.isDirectory(detection.nfsRoot)) {
      LOG.debug(
          "{} exists but is not on a network file system per the mount table; not NFS",
          detection.nfsRoot);
    }
    String vast = detection.env.get(ENV_VAST_CONTAINER);
    if (vast != null && !vast.isBlank()) {
      return StorageProviderType.EPHEMERAL;
    }
    return StorageProviderType.LOCAL;
  }

  /**
   * The provider of {@code type}: one registered with {@link ServiceLoader} for that type if any,
   * else the built-in one with the default roots (the working directory for local storage).
   *
   * @param type the storage type
   * @return the provider
   */
  public static StorageProvider get(StorageProviderType type) {
    Detection d = Detection.builder().build();
    return lookup(type, d).orElseGet(() -> builtIn(type, d));
  }

  /**
   * The built-in provider of {@code type} with its data under {@code root}, ignoring providers
   * registered with {@link ServiceLoader}.
   *
   * @param type the storage type
   * @param root the data root (models, data/games, ... live under it)
   * @return the provider
   */
  public static StorageProvider builtIn(StorageProviderType type, Path root) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(root, "root");
    Detection d = Detection.builder().localRoot(root).nfsRoot(root).ephemeralRoot(root).build();
    return builtIn(type, d);
  }

  private static StorageProvider builtIn(StorageProviderType type, Detection d) {
    MountTable mounts = d.mountTable();
    switch (type) {
      case NFS:
        return new BuiltInStorageProvider(
            type, StoragePaths.standard(d.nfsRoot, d.tmpScratch()), mounts);
      case EPHEMERAL:
        Path shm = Path.of("/dev/shm");
        Path scratch = Files.isDirectory(shm) ? shm.resolve("ringrift") : d.tmpScratch();
        return new BuiltInStorageProvider(
            type, StoragePaths.standard(d.ephemeralRoot, scratch), mounts);
      case LOCAL:
      default:
        return new BuiltInStorageProvider(
            StorageProviderType.LOCAL, StoragePaths.standard(d.localRoot, d.tmpScratch()), mounts);
    }
  }

  private static Optional<StorageProvider> lookup(StorageProviderType type, Detection d) {
    try {
      for (StorageProvider p : ServiceLoader.load(StorageProvider.class, d.classLoader)) {
        if (p.type() == type) {
          return Optional.of(p);
        }
      }
    } catch (java.util.ServiceConfigurationError e) {
      LOG.warn("ignoring a broken StorageProvider registration: {}", e.getMessage());
    }
    return Optional.empty();
  }

  /**
   * The inputs of detection. The defaults read the real process environment and {@code
   * /proc/self/mounts}; tests inject their own.
   */
  public static final class Detection {
    private final Map<String, String> env;
    private final Supplier<String> mountTableText;
    private final Path nfsRoot;
    private final Path ephemeralRoot;
    private final Path localRoot;
    private final Path tmpDir;
    private final @Nullable StorageProvider explicit;
    private final @Nullable ClassLoader classLoader;

    private Detection(Builder b) {
      this.env = Map.copyOf(b.env);
      this.mountTableText = b.mountTableText;
      this.nfsRoot = b.nfsRoot.toAbsolutePath().normalize();
      this.ephemeralRoot = b.ephemeralRoot.toAbsolutePath().normalize();
      this.localRoot = b.localRoot.toAbsolutePath().normalize();
      this.tmpDir = b.tmpDir.toAbsolutePath().normalize();
      this.explicit = b.explicit;
      this.classLoader = b.classLoader;
    }

    /**
     * A builder with the real environment, {@code /proc/self/mounts}, the NFS root {@code
     * /lambda/nfs/RingRift}, the ephemeral root {@code /workspace} and the working directory as the
     * local root.
     *
     * @return a new builder
     */
    public static Builder builder() {
      return new Builder();
    }

    MountTable mountTable() {
      String text = mountTableText.get();
      return MountTable.parse(text);
    }

    Path tmpScratch() {
      return tmpDir.resolve("ringrift");
    }

    /** Builds a {@link Detection}; every setter replaces the previous value. */
    public static final class Builder {
      private Map<String, String> env = System.getenv();
      private Supplier<String> mountTableText = Builder::readProcMounts;
      private Path nfsRoot = DEFAULT_NFS_ROOT;
      private Path ephemeralRoot = DEFAULT_EPHEMERAL_ROOT;
      private Path localRoot = Path.of("");
      private Path tmpDir = Path.of(System.getProperty("java.io.tmpdir", "/tmp"));
      private @Nullable StorageProvider explicit;
      private @Nullable ClassLoader classLoader = Thread.currentThread().getContextClassLoader();

      private Builder() {}

      /**
       * The environment variables to read instead of the process's.
       *
       * @param env the variables
       * @return this builder
       */
      public Builder environment(Map<String, String> env) {
        this.env = new HashMap<>(Objects.requireNonNull(env, "env"));
        return this;
      }

      /**
       * The mount table's contents, in {@code /proc/self/mounts} format.
       *
       * @param text the table
       * @return this builder
       */
      public Builder mountTable(String text) {
        Objects.requireNonNull(text, "text");
        this.mountTableText = () -> text;
        return this;
      }

      /**
       * A file holding the mount table (e.g. {@code /proc/self/mounts}); an unreadable file reads
       * as an empty table.
       *
       * @param file the file
       * @return this builder
       */
      public Builder mountTableFile(Path file) {
        Objects.requireNonNull(file, "file");
        this.mountTableText =
            () -> {
              try {
                return Files.readString(file);
              } catch (IOException e) {
                LOG.debug("cannot read mount table {}: {}", file, e.toString());
                return "";
              }
            };
        return this;
      }

      /**
       * The shared NFS data root to look for (default {@code /lambda/nfs/RingRift}).
       *
       * @param root the root
       * @return this builder
       */
      public Builder nfsRoot(Path root) {
        this.nfsRoot = Objects.requireNonNull(root, "root");
        return this;
      }

      /**
       * The data root of ephemeral nodes (default {@code /workspace}).
       *
       * @param root the root
       * @return this builder
       */
      public Builder ephemeralRoot(Path root) {
        this.ephemeralRoot = Objects.requireNonNull(root, "root");
        return this;
      }

      /**
       * The data root of local nodes (default the working directory).
       *
       * @param root the root
       * @return this builder
       */
      public Builder localRoot(Path root) {
        this.localRoot = Objects.requireNonNull(root, "root");
        return this;
      }

      /**
       * The temporary directory whose {@code ringrift} sub-directory is the scratch space of local
       * and NFS nodes (default {@code java.io.tmpdir}).
       *
       * @param dir the directory
       * @return this builder
       */
      public Builder tmpDir(Path dir) {
        this.tmpDir = Objects.requireNonNull(dir, "dir");
        return this;
      }

      /**
       * A provider to use as is, skipping detection.
       *
       * @param provider the provider
       * @return this builder
       */
      public Builder provider(StorageProvider provider) {
        this.explicit = Objects.requireNonNull(provider, "provider");
        return this;
      }

      /**
       * The class loader {@link ServiceLoader} searches for provider registrations (default the
       * thread's context class loader).
       *
       * @param loader the class loader
       * @return this builder
       */
      public Builder classLoader(ClassLoader loader) {
        this.classLoader = Objects.requireNonNull(loader, "loader");
        return this;
      }

      /**
       * Builds the detection inputs.
       *
       * @return the inputs
       */
      public Detection build() {
        return new Detection(this);
      }

      private static String readProcMounts() {
        try {
          return Files.readString(Path.of("/proc/self/mounts"));
        } catch (IOException e) {
          return "";
        }
      }
    }
  }
}
