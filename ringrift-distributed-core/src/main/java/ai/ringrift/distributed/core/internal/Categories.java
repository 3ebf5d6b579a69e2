package ai.ringrift.distributed.core.internal;

import ai.ringrift.distributed.core.SyncCategory;
import ai.ringrift.distributed.storage.StoragePaths;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The P2P category names and local roots of the file sync categories, served under {@code models},
 * {@code training} and {@code configs}. Games are not files: they move through the game endpoints
 * ({@code GET /games/ids}, {@code POST /games/fetch}, {@code POST /sync/games}).
 */
public final class Categories {

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
   * @throws IllegalArgumentException for {@code GAMES}
   */
  public static Path root(SyncCategory c, StoragePaths paths) {
    return switch (c) {
      case MODELS -> paths.models();
      case TRAINING_DATA -> paths.training();
      case CONFIGS -> paths.configs();
      case GAMES -> throw new IllegalArgumentException("GAMES moves as games, not as files");
    };
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
