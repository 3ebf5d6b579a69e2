package ai.ringrift.distributed.storage;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The directories a node keeps its data in. Paths are absolute and normalized; they need not exist
 * yet (the components that write into them create them).
 *
 * <p>The default layout ({@link #standard(Path, Path)}) under a root is the Python cluster's:
 * {@code models/}, {@code data/games/}, {@code data/training/}, {@code config/}, {@code data/wal/},
 * {@code data/sync_staging/}.
 *
 * @param root the directory every other path (but scratch) lives under
 * @param models model checkpoints ({@code .pth}, {@code .pt}, {@code .onnx})
 * @param games the SQLite game databases
 * @param training NPZ training files
 * @param configs configuration files
 * @param wal the write-ahead log
 * @param syncStaging where incoming transfers are staged before installation
 * @param scratch fast temporary space (RAM-backed on ephemeral nodes when available)
 */
public record StoragePaths(
    Path root,
    Path models,
    Path games,
    Path training,
    Path configs,
    Path wal,
    Path syncStaging,
    Path scratch) {

  /** Normalizes every path to an absolute one. */
  public StoragePaths {
    root = abs(root, "root");
    models = abs(models, "models");
    games = abs(games, "games");
    training = abs(training, "training");
    configs = abs(configs, "configs");
    wal = abs(wal, "wal");
    syncStaging = abs(syncStaging, "syncStaging");
    scratch = abs(scratch, "scratch");
  }

  /**
   * The standard layout under {@code root}.
   *
   * @param root the data root, e.g. the working directory or {@code /lambda/nfs/RingRift}
   * @param scratch the scratch directory, e.g. {@code /tmp/ringrift}
   * @return the paths
   */
  public static StoragePaths standard(Path root, Path scratch) {
    Path r = abs(root, "root");
    return new StoragePaths(
        r,
        r.resolve("models"),
        r.resolve("data/games"),
        r.resolve("data/training"),
        r.resolve("config"),
        r.resolve("data/wal"),
        r.resolve("data/sync_staging"),
        scratch);
  }

  private static Path abs(Path p, String name) {
    return Objects.requireNonNull(p, name).toAbsolutePath().normalize();
  }
}
