package ai.ringrift.distributed.transport.rsync;

import ai.ringrift.distributed.transport.TransportException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Makes a consistent copy of a SQLite database that may be in use, so that the copy can travel as a
 * file: {@code VACUUM INTO} a temporary name beside the target, fsync, rename into place, fsync the
 * directory. The snapshot has no {@code -wal} and no other process writes it; push it with {@link
 * ai.ringrift.distributed.transport.TransferRequest.Builder#sqliteSnapshot(boolean)
 * sqliteSnapshot(true)}.
 *
 * <p>Games normally move as games (row by row, see the core module); a snapshot is for backups and
 * for peers that run no JVM.
 */
public final class SqliteSnapshots {
  private SqliteSnapshots() {}

  /**
   * Snapshots {@code db} to {@code target} on {@code executor}. An existing {@code target} is
   * replaced atomically; a failure leaves it untouched and removes the temporary file.
   *
   * @param db the database (read, never written)
   * @param target the snapshot file to create or replace
   * @param executor runs the blocking work
   * @return {@code target}; failed with {@link TransportException} (fault REQUEST) naming both
   *     files
   */
  public static CompletableFuture<Path> snapshot(Path db, Path target, Executor executor) {
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(executor, "executor");
    return CompletableFuture.supplyAsync(() -> snapshotNow(db, target), executor)
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(
                    e instanceof CompletionException && e.getCause() != null ? e.getCause() : e));
  }

  private static Path snapshotNow(Path db, Path target) {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = dir.resolve("." + abs.getFileName() + ".snapshot-tmp");
    try {
      if (!Files.isRegularFile(db)) {
        throw new IOException(db + " does not exist");
      }
      Files.createDirectories(dir);
      Files.deleteIfExists(tmp);
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
          Statement s = c.createStatement()) {
        s.setQueryTimeout(600);
        s.execute("VACUUM INTO '" + tmp.toString().replace("'", "''") + "'");
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
        ch.force(true);
      }
      return target;
    } catch (IOException | SQLException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort
      }
      throw new TransportException(
          "cannot snapshot SQLite database " + db + " to " + target + ": " + e.getMessage(),
          null,
          RsyncTransport.NAME,
          TransportException.Fault.REQUEST,
          e);
    }
  }
}
