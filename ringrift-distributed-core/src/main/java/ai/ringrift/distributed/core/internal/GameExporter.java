package ai.ringrift.distributed.core.internal;

import ai.ringrift.distributed.storage.games.GameRecord;
import ai.ringrift.distributed.storage.games.GameStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes chosen games of this node's store into fresh schema-v18 databases (one per board/players
 * config, through a throw-away {@link GameStore} with a rollback journal), then moves the finished
 * directory into the games exchange root in one rename. The databases are complete and closed
 * before anyone can see them, so a peer downloading them never copies a live SQLite file.
 */
final class GameExporter {
  private static final int CHUNK = 500;

  private final GameStore store;
  private final Path staging;
  private final Path exchangeRoot;

  GameExporter(GameStore store, Path staging, Path exchangeRoot) {
    this.store = store;
    this.staging = staging;
    this.exchangeRoot = exchangeRoot;
  }

  /** What an export wrote. */
  record Export(Path dir, List<String> relativePaths, long games) {}

  /** Exports {@code ids} into {@code <exchange root>/<name>} (blocking). */
  Export export(List<String> ids, String name) {
    Path build = staging.resolve("export-" + name);
    Path index = staging.resolve("export-" + name + ".index.sqlite");
    long games = 0;
    try {
      deleteTree(build);
      Files.createDirectories(build);
      try (GameStore out =
          GameStore.builder(build)
              .syncedDirectory(build)
              .indexFile(index)
              .rollbackJournal(true)
              .build()) {
        for (int i = 0; i < ids.size(); i += CHUNK) {
          List<GameRecord> chunk = new ArrayList<>();
          Futures.await(
              store.readGames(ids.subList(i, Math.min(ids.size(), i + CHUNK)), chunk::add));
          games += Futures.await(out.importGames(chunk)).imported();
        }
      }
      Path target = exchangeRoot.resolve(name);
      Files.createDirectories(exchangeRoot);
      Files.move(build, target, StandardCopyOption.ATOMIC_MOVE);
      List<String> rel = new ArrayList<>();
      try (Stream<Path> s = Files.walk(target)) {
        s.filter(Files::isRegularFile)
            .filter(p -> p.getFileName().toString().endsWith(".db"))
            .forEach(p -> rel.add(exchangeRoot.relativize(p).toString().replace('\\', '/')));
      }
      rel.sort(null);
      return new Export(target, rel, games);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot export games to " + build, e);
    } finally {
      deleteQuietly(index);
      deleteQuietly(index.resolveSibling(index.getFileName() + "-journal"));
      deleteQuietly(index.resolveSibling(index.getFileName() + "-wal"));
      deleteQuietly(index.resolveSibling(index.getFileName() + "-shm"));
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort: a leftover index in the staging directory is harmless
    }
  }
}
