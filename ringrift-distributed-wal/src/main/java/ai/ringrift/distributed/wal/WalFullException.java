package ai.ringrift.distributed.wal;

/**
 * An append was refused because the WAL already holds {@link WalConfig#maxPending()} pending
 * entries. Nothing was written; commit or roll back entries, then retry.
 */
public final class WalFullException extends WalException {
  private static final long serialVersionUID = 1L;

  private final int limit;

  /**
   * Creates the exception.
   *
   * @param limit the configured maximum of pending entries
   * @param directory the WAL directory, for the message
   */
  public WalFullException(int limit, String directory) {
    super("WAL full: " + limit + " pending entries (maxPending=" + limit + ") in " + directory);
    this.limit = limit;
  }

  /**
   * The limit that was reached.
   *
   * @return the configured maximum of pending entries
   */
  public int limit() {
    return limit;
  }
}
