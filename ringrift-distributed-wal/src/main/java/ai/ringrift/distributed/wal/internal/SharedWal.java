package ai.ringrift.distributed.wal.internal;

import ai.ringrift.distributed.wal.UnifiedWal;
import ai.ringrift.distributed.wal.WalConfig;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Holder of the process-wide WAL of {@link UnifiedWal#shared()}: opened lazily at {@code
 * $RINGRIFT_WAL_DIR} (default {@code data/wal/}), reopened if it was closed. Not API.
 */
public final class SharedWal {
  private static @Nullable UnifiedWalImpl instance;

  private SharedWal() {}

  /**
   * The shared WAL, opened if absent or closed.
   *
   * @return the shared WAL
   */
  public static synchronized UnifiedWal get() {
    UnifiedWalImpl wal = instance;
    if (wal == null || wal.isClosing()) {
      wal = UnifiedWalImpl.open(WalConfig.builder(directory()).build(), WalStorage.real());
      instance = wal;
    }
    return wal;
  }

  /**
   * The directory the shared WAL uses.
   *
   * @return {@code $RINGRIFT_WAL_DIR}, or {@code data/wal/}
   */
  public static Path directory() {
    String env = System.getenv(UnifiedWal.ENV_WAL_DIR);
    return Path.of(env == null || env.isBlank() ? UnifiedWal.DEFAULT_WAL_DIR : env);
  }
}
