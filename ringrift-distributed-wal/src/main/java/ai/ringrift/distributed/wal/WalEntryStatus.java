package ai.ringrift.distributed.wal;

/**
 * Where an entry stands: appended and waiting for its outcome, or resolved one way or the other.
 */
public enum WalEntryStatus {
  /** Appended and durable; neither committed nor rolled back yet. */
  PENDING,
  /** Committed: the operation it journals completed. */
  COMMITTED,
  /** Rolled back: the operation it journals was abandoned or undone. */
  ROLLED_BACK
}
