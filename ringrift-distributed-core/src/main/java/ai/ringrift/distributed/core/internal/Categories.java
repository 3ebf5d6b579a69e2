package ai.ringrift.distributed.core.internal;

import ai.ringrift.distributed.core.SyncCategory;
import ai.ringrift.distributed.storage.StoragePaths;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The P2P category names and local roots of the sync categories. File categories are served under
 * {@code models}, {@code training} and {@code configs}; games are pushed as exported databases
 * under {@code games_exchange}, rooted at {@code <games>/ringrift-exchange} (inside the games
 * directory, so the receiving node's game store indexes what arrives).
 */
public final class Categories {
  /** The P2P category of exported game databases. */
  public static final String GAMES_EXCHANGE = "games_exchange";

  private Categories() {}

  /**
   * The P2P category name of a file category.
   *
   * @param c the category
   * @return {@code models}, {@code training} or {@code configs}
   * @throws IllegalArgumentException for {@code GAMES}
   */
  public static String wireName(SyncCategory c) {
    return switch (c) {
      case MODELS -> "models";
      case TRAINING_DATA -> "training";
      case CONFIGS -> "configs";
      case GAMES -> throw new IllegalArgumentException("GAMES moves as games, not as files");
    };
  }

  /**
   * The local root of a file category.
   *
   * @param c the category
   * @param paths the node's paths
   * @return the directory
   */
  public static Path root(SyncCategory c, StoragePaths paths) {
    return switch (c) {
      case MODELS -> paths.models();
      case TRAINING_DATA -> paths.training();
      case CONFIGS -> paths.configs();
      case GAMES -> exchangeRoot(paths);
    };
  }

  /**
   * Where exported game databases are written and received.
   *
   * @param paths the node's paths
   * @return {@code <games>/ringrift-exchange}
   */
  public static Path exchangeRoot(StoragePaths paths) {
    return paths.games().resolve("ringrift-exchange");
  }

  /** The category named in a WAL payload, if known. */
  static Optional<SyncCategory> parse(String name) {
    try {
      return Optional.of(SyncCategory.valueOf(name.strip().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
