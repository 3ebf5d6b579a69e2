package ai.ringrift.distributed.health;

import ai.ringrift.distributed.health.internal.SqliteHealthHistory;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The persistent health registry: the last results of every check, kept in a small SQLite file
 * (rollback journal, not WAL mode, so it is safe on NFS) that survives restarts. Results beyond
 * {@link #retainPerCheck()} per check are deleted, oldest first.
 *
 * <p>All operations run on one thread the history owns, in submission order; futures complete on
 * that thread. Failures (disk full, a corrupt file) fail the future with {@link HealthException}
 * naming the file. Close it when done; closing twice is a no-op, later calls fail.
 */
public interface HealthHistory extends AutoCloseable {
  /** Results kept per check unless told otherwise (the Python registry's 100). */
  int DEFAULT_RETAIN_PER_CHECK = 100;

  /**
   * Opens (creating if needed) a history file keeping {@value #DEFAULT_RETAIN_PER_CHECK} results
   * per check. Blocks while opening.
   *
   * @param file the SQLite file, e.g. {@code data/health/health_history.db}; its directory is
   *     created if missing
   * @return the history
   * @throws HealthException if the file cannot be opened or is not a health history
   */
  static HealthHistory open(Path file) {
    return open(file, DEFAULT_RETAIN_PER_CHECK);
  }

  /**
   * Opens (creating if needed) a history file. Blocks while opening.
   *
   * @param file the SQLite file; its directory is created if missing
   * @param retainPerCheck results kept per check, at least 1
   * @return the history
   * @throws HealthException if the file cannot be opened or is not a health history
   * @throws IllegalArgumentException if {@code retainPerCheck < 1}
   */
  static HealthHistory open(Path file, int retainPerCheck) {
    return SqliteHealthHistory.open(file, retainPerCheck);
  }

  /**
   * How many results are kept per check.
   *
   * @return at least 1
   */
  int retainPerCheck();

  /**
   * Appends a result (durable when the future completes), then drops the check's results beyond the
   * retention.
   *
   * @param result the result; its name is the check's key
   * @return completes when written
   */
  CompletableFuture<Void> record(ComponentHealth result);

  /**
   * Appends several results in one transaction.
   *
   * @param results the results
   * @return completes when written
   */
  CompletableFuture<Void> recordAll(Collection<ComponentHealth> results);

  /**
   * A check's recent results, newest first.
   *
   * @param check the check's name
   * @param limit at most this many, at least 1
   * @return the results (empty if the check has none)
   */
  CompletableFuture<List<ComponentHealth>> history(String check, int limit);

  /**
   * The names of the checks that have results.
   *
   * @return the names, sorted
   */
  CompletableFuture<List<String>> checks();

  /**
   * Closes the file after the operations already submitted. Idempotent.
   *
   * @return completes when closed
   */
  CompletableFuture<Void> closeAsync();

  /** Closes the file and waits for it (see {@link #closeAsync()}). */
  @Override
  void close();
}
