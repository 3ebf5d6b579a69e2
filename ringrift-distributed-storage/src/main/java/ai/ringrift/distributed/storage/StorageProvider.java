package ai.ringrift.distributed.storage;

/**
 * Where a node keeps its data and what that storage can do. A service-provider interface:
 * implementations listed in {@code
 * META-INF/services/ai.ringrift.distributed.storage.StorageProvider} (with a public no-argument
 * constructor) replace the built-in provider of their {@link #type()} in {@link
 * StorageProviders#get(StorageProviderType)}; a provider passed explicitly to {@link
 * StorageProviders.Detection.Builder#provider(StorageProvider)} wins over both.
 *
 * <p>Contract for implementations: thread-safe and cheap; {@link #paths()} does no I/O and returns
 * the same value every time; {@link #capabilities()} may read file-system attributes (it blocks
 * briefly) and must not throw for a missing directory (report {@code maxSizeGb} 0 instead).
 */
public interface StorageProvider {

  /**
   * The kind of storage.
   *
   * @return the type
   */
  StorageProviderType type();

  /**
   * The directories data lives in.
   *
   * @return the paths, absolute
   */
  StoragePaths paths();

  /**
   * What the storage can do. Blocks briefly to read the file store's size.
   *
   * @return the capabilities
   */
  StorageCapabilities capabilities();
}
