package ai.ringrift.distributed.transport.rsync.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Decides whether a set of files may be copied as files, given that SQLite databases must not be:
 * copying a live database loses what sits in its {@code -wal} (the Python cluster lost games that
 * way) and copies a half-written page image. A database file is copied only when the caller vouches
 * it is a snapshot, and never when a {@code -wal} or {@code -journal} lies beside it; the side
 * files themselves are never copied.
 */
public final class LiveDatabaseGuard {
  private static final List<String> DB_SUFFIXES = List.of(".db", ".sqlite", ".sqlite3", ".db3");
  private static final List<String> SIDE_SUFFIXES = List.of("-wal", "-journal", "-shm");

  private LiveDatabaseGuard() {}

  /**
   * Whether a file name looks like a SQLite database.
   *
   * @param name a file name or relative path
   * @return true for {@code .db}, {@code .sqlite}, {@code .sqlite3}, {@code .db3}
   */
  public static boolean isDatabase(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return DB_SUFFIXES.stream().anyMatch(n::endsWith);
  }

  /**
   * The problems with copying {@code names}, empty if there are none.
   *
   * @param names relative paths of the files to copy
   * @param snapshot whether the caller vouches database files are snapshots
   * @param exists tells whether a relative path exists at the source (for side files)
   * @return one message per refused file
   */
  public static List<String> problems(
      Collection<String> names, boolean snapshot, Predicate<String> exists) {
    List<String> out = new ArrayList<>();
    for (String name : names) {
      for (String side : SIDE_SUFFIXES) {
        if (name.endsWith(side) && isDatabase(name.substring(0, name.length() - side.length()))) {
          out.add(
              name
                  + " is a SQLite "
                  + side.substring(1)
                  + " file; it is never copied apart"
                  + " from its database");
        }
      }
      if (!isDatabase(name)) {
        continue;
      }
      String live = null;
      for (String side : List.of("-wal", "-journal")) {
        if (exists.test(name + side)) {
          live = name + side;
        }
      }
      if (live != null) {
        out.add(name + " may be live: " + live + " exists beside it");
      } else if (!snapshot) {
        out.add(
            name
                + " is a SQLite database: games move as games; to copy a database file, make"
                + " a snapshot (SqliteSnapshots) and set sqliteSnapshot(true) on the request");
      }
    }
    return out;
  }
}
