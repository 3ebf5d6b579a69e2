package ai.ringrift.distributed.core;

import java.util.Objects;

/**
 * What {@link SyncCoordinator#recoverPending()} did with one {@code SYNC_STARTED} entry that a
 * crash left pending in the WAL.
 *
 * @param walId the entry's id in the WAL
 * @param category the category the interrupted sync moved, or {@code null} if the payload named
 *     none this version knows
 * @param peer the peer it ran against, as named in the payload (empty if none)
 * @param operation {@code pull} or {@code push} (as journaled; empty if none)
 * @param action whether it was re-run and committed, or rolled back
 * @param detail what the re-run moved, or why it was rolled back
 */
public record RecoveredSync(
    long walId,
    @org.jspecify.annotations.Nullable SyncCategory category,
    String peer,
    String operation,
    Action action,
    String detail) {

  /** Validates the fields. */
  public RecoveredSync {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(detail, "detail");
  }

  /** The outcome of recovering one entry. */
  public enum Action {
    /** The sync was run again to completion and its entry committed. */
    RESUMED,
    /**
     * The entry was rolled back: the peer is unknown or unreachable now, or the payload is
     * unreadable. Nothing is lost: syncs are idempotent and the next one covers it.
     */
    ROLLED_BACK
  }
}
